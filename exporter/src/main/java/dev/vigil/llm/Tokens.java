package dev.vigil.llm;

/**
 * Token counts of one call (or of many added up), in OpenAI's convention, which is also OpenTelemetry's
 * {@code gen_ai.usage.input_tokens}: {@code input} counts all input tokens, the ones read from the provider's
 * cache ({@code cachedInput}) and written to it ({@code cacheWrite}) included.
 */
public record Tokens(long input, long output, long cachedInput, long cacheWrite) {
    public static final Tokens NONE = new Tokens(0, 0, 0, 0);

    public Tokens {
        if (input < 0 || output < 0 || cachedInput < 0 || cacheWrite < 0) {
            throw new IllegalArgumentException("token counts cannot be negative");
        }
        if (cachedInput + cacheWrite > input) {
            throw new IllegalArgumentException("cached_input_tokens plus cache_write_tokens (" + (cachedInput + cacheWrite)
                    + ") exceed input_tokens (" + input + "), which counts all input tokens, cached ones included");
        }
    }

    /** Anthropic's usage, whose {@code input_tokens} leaves out the tokens read from and written to the cache. */
    public static Tokens fromAnthropic(long uncachedInput, long output, long cacheRead, long cacheCreation) {
        return new Tokens(Math.addExact(Math.addExact(uncachedInput, cacheRead), cacheCreation), output, cacheRead, cacheCreation);
    }

    /** Input tokens billed at the full input price: neither read from nor written to the cache. */
    public long uncachedInput() {
        return input - cachedInput - cacheWrite;
    }

    public boolean isZero() {
        return input == 0 && output == 0;
    }

    Tokens plus(Tokens o) {
        return new Tokens(Math.addExact(input, o.input), Math.addExact(output, o.output),
                Math.addExact(cachedInput, o.cachedInput), Math.addExact(cacheWrite, o.cacheWrite));
    }
}
