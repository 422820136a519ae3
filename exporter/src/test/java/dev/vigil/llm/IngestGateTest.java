package dev.vigil.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.Secret;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IngestGateTest {
    @Test
    void aConfiguredTokenMustBeSentAsBearer() {
        IngestGate gate = new IngestGate(Optional.of(new Secret("s3cret")), false);
        assertThat(gate.check("Bearer s3cret")).isEmpty();
        assertThat(gate.check("bearer s3cret ")).isEmpty();
        assertThat(gate.check("Bearer s3cre")).map(IngestGate.Refusal::status).contains(401);
        assertThat(gate.check("Basic czNjcmV0")).map(IngestGate.Refusal::status).contains(401);
        assertThat(gate.check(null)).hasValueSatisfying(r -> {
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.message()).doesNotContain("s3cret");
        });
    }

    @Test
    void withoutATokenOnlyALoopbackListenerTakesRequests() {
        assertThat(new IngestGate(Optional.empty(), true).check(null)).isEmpty();
        assertThat(new IngestGate(Optional.empty(), false).check("Bearer anything")).map(IngestGate.Refusal::status).contains(403);
    }
}
