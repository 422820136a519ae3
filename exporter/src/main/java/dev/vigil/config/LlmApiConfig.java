package dev.vigil.config;

import java.net.URI;
import java.time.Duration;

/**
 * A provider's own usage and cost reports, read with an admin key: OpenAI's organization usage and costs
 * endpoints, Anthropic's usage and cost reports.
 *
 * @param costs           take dollars from the cost report (the bill) instead of pricing tokens with the table
 * @param revisionWindow  how far back each poll asks again, for buckets the provider revises later
 */
public record LlmApiConfig(String name, Provider provider, Secret adminKey, URI baseUrl, Duration interval,
                           Duration timeout, boolean costs, Duration revisionWindow) implements LlmSourceName {
    /** The providers whose reports Vigil reads, each under its own key of {@code llm:}. */
    public enum Provider {
        OPENAI("openai", "https://api.openai.com"),
        ANTHROPIC("anthropic", "https://api.anthropic.com");

        private final String key;
        private final String defaultBaseUrl;

        Provider(String key, String defaultBaseUrl) {
            this.key = key;
            this.defaultBaseUrl = defaultBaseUrl;
        }

        /** The key under {@code llm:}, and the provider's name in labels and source names. */
        public String key() {
            return key;
        }
    }

    /** The reports are updated every few minutes; polling faster only spends the rate limit. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(1);
    public static final Duration DEFAULT_REVISION_WINDOW = Duration.ofDays(2);

    static LlmApiConfig read(Provider provider, YamlSection section) throws ConfigException {
        Secret key = section.secret("admin_key")
                .orElseThrow(() -> section.error("admin_key", "is required; give admin_key_file: with the organization's admin key"));
        String base = section.string("base_url", provider.defaultBaseUrl);
        URI baseUrl;
        try {
            baseUrl = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        } catch (IllegalArgumentException e) {
            throw section.error("base_url", "is not a URL: " + base);
        }
        if (!"https".equals(baseUrl.getScheme()) && !"http".equals(baseUrl.getScheme())) {
            throw section.error("base_url", "expected an http:// or https:// URL, got '" + base + "'");
        }
        Duration interval = section.duration("interval", DEFAULT_INTERVAL);
        Duration timeout = section.duration("timeout", interval.compareTo(DEFAULT_TIMEOUT) < 0 ? interval : DEFAULT_TIMEOUT);
        boolean costs = section.bool("costs", true);
        Duration window = section.duration("revision_window", DEFAULT_REVISION_WINDOW);
        String name = section.string("name", "llm/" + provider.key());
        section.finish();
        return new LlmApiConfig(name, provider, key, baseUrl, interval, timeout, costs, window);
    }

    String summary() {
        return "source " + name + ": " + provider.key() + " usage" + (costs ? " and cost" : "") + " reports at " + baseUrl
                + " (admin key set), every " + Durations.format(interval);
    }
}
