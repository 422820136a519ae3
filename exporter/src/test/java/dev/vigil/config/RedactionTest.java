package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Every secret Vigil has read is masked wherever it turns up, not only in URLs. */
class RedactionTest {
    @Test
    void aSecretReadOnceIsMaskedInAnyTextLater() {
        Secret key = new Secret("sk-admin-redaction-test-1234");
        assertThat(key.toString()).isEqualTo("<redacted>");
        assertThat(Redaction.redact("/v1/organization/costs answered 401: Incorrect API key provided: Bearer sk-admin-redaction-test-1234"))
                .isEqualTo("/v1/organization/costs answered 401: Incorrect API key provided: Bearer ***");
        assertThat(Redaction.redact("redis://user:pw@host:6379 refused")).isEqualTo("redis://user:***@host:6379 refused");
    }

    @Test
    void shortValuesAreNotMaskedEverywhere() {
        new Secret("on");
        assertThat(Redaction.redact("the source is down: connection refused")).isEqualTo("the source is down: connection refused");
    }
}
