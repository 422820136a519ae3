package dev.vigil.llm.push;

import dev.vigil.llm.RequestStatus;
import dev.vigil.llm.Tokens;
import dev.vigil.llm.UsageEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UsageParserTest {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    private static Tokens tokens(String json) throws InvalidUsage {
        return UsageParser.json(json, NOW).get(0).tokens();
    }

    private static String error(String body, boolean ndjson) {
        try {
            List<UsageEvent> events = ndjson ? UsageParser.ndjson(body, NOW) : UsageParser.json(body, NOW);
            throw new AssertionError("accepted: " + events);
        } catch (InvalidUsage e) {
            return e.describe();
        }
    }

    @Test
    void providerUsageObjectsAreConvertedToAllInputCounted() throws InvalidUsage {
        assertThat(tokens("{\"provider\":\"openai\",\"model\":\"gpt-4o\",\"usage\":{\"prompt_tokens\":900,\"completion_tokens\":80,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":512},\"completion_tokens_details\":{\"reasoning_tokens\":40}}}"))
                .isEqualTo(new Tokens(900, 80, 512, 0));
        assertThat(tokens("{\"provider\":\"openai\",\"model\":\"gpt-5\",\"usage\":{\"input_tokens\":700,\"output_tokens\":90,"
                + "\"input_tokens_details\":{\"cached_tokens\":128},\"output_tokens_details\":{\"reasoning_tokens\":64},\"total_tokens\":790}}"))
                .isEqualTo(new Tokens(700, 90, 128, 0));
        assertThat(tokens("{\"provider\":\"anthropic\",\"model\":\"claude-haiku-4-5\",\"usage\":{\"input_tokens\":12,\"output_tokens\":30,"
                + "\"cache_read_input_tokens\":2000,\"cache_creation_input_tokens\":null,\"cache_creation\":{\"ephemeral_5m_input_tokens\":0}}}"))
                .isEqualTo(new Tokens(2012, 30, 2000, 0));
    }

    @Test
    void eventsCarryStatusDurationLabelsAndTheTimeReceived() throws InvalidUsage {
        UsageEvent e = UsageParser.json("{\"provider\":\"OpenAI\",\"model\":\"gpt-4o\",\"input_tokens\":1,\"status\":\"rate_limited\","
                + "\"duration_ms\":12.7,\"operation\":\"chat\",\"feature\":\"search\",\"labels\":{\"team\":\"growth\"}}", NOW).get(0);
        assertThat(e.status()).isEqualTo(RequestStatus.RATE_LIMITED);
        assertThat(e.durationMillis()).hasValue(12);
        assertThat(e.labels()).containsEntry("operation", "chat").containsEntry("feature", "search").containsEntry("team", "growth");
        assertThat(e.time()).contains(NOW);
        assertThat(e.requests()).isEqualTo(1);
    }

    @Test
    void errorsNameTheFieldPath() {
        assertThat(error("[{\"provider\":\"openai\",\"model\":\"m\",\"input_tokens\":1},{\"provider\":\"openai\",\"model\":\"m\",\"usage\":"
                + "{\"prompt_tokens\":1,\"prompt_tokens_details\":{\"cached_tokens\":-2}}}]", false))
                .isEqualTo("$[1].usage.prompt_tokens_details.cached_tokens: must be between 0 and 1000000000, got -2");
        assertThat(error("{\"provider\":\"openai\",\"model\":\"m\",\"input_tokens\":1}\n{\"provider\":\"openai\",\"input_tokens\":1}", true))
                .isEqualTo("line 2 $.model: is required");
        assertThat(error("{\"provider\":\"openai\",\"model\":\"m\",\"input_tokens\":10,\"cached_input_tokens\":11}", false))
                .startsWith("$: cached_input_tokens plus cache_write_tokens (11) exceed input_tokens (10)");
        assertThat(error("{\"provider\":\"openai\",\"model\":\"m\",\"input_tokens\":1,\"costUsd\":1}", false)).isEqualTo("$.costUsd: unknown field");
        assertThat(error("{\"provider\":\"openai\",\"model\":\"m\",\"input_tokens\":1,\"cost_usd\":-0.5}", false))
                .isEqualTo("$.cost_usd: must be between 0 and 1000000");
        assertThat(error("[]", false)).isEqualTo("$: the array holds no usage object");
        assertThat(error("{\"provider\":", false)).startsWith("not valid JSON (");
    }

    @Test
    void theMediaTypeDecidesJsonOrNdjson() {
        assertThat(PushHandler.mediaType("application/json; charset=UTF-8")).contains(false);
        assertThat(PushHandler.mediaType("application/x-ndjson")).contains(true);
        assertThat(PushHandler.mediaType("application/json; charset=latin1")).isEmpty();
        assertThat(PushHandler.mediaType("text/json")).isEmpty();
        assertThat(PushHandler.mediaType(null)).isEmpty();
        assertThatThrownBy(() -> new Tokens(-1, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
