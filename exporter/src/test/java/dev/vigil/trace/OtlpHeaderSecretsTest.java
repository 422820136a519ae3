package dev.vigil.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.Redaction;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OTLP header values from the environment are secrets even though Vigil never reads them as config. */
class OtlpHeaderSecretsTest {
    @Test
    void headerValuesFromTheEnvironmentAreMaskedPlainAndUrlEncoded() {
        Tracing.rememberHeaderSecrets(Map.of("OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=otlp-key-5678,Authorization=Bearer%20otlp-token-9012"));
        assertThat(Redaction.redact("Failed to export spans. Server responded with 401: key otlp-key-5678 is not valid"))
                .isEqualTo("Failed to export spans. Server responded with 401: key *** is not valid");
        assertThat(Redaction.redact("rejected Authorization: Bearer otlp-token-9012")).isEqualTo("rejected Authorization: ***");
    }
}
