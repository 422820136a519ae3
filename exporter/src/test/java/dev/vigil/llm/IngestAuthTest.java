package dev.vigil.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.Secret;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IngestAuthTest {
    @Test
    void aConfiguredTokenMustBeSentAsBearer() {
        IngestAuth auth = new IngestAuth(Optional.of(new Secret("s3cret")), false);
        assertThat(auth.check("Bearer s3cret")).isEmpty();
        assertThat(auth.check("bearer s3cret ")).isEmpty();
        assertThat(auth.check("Bearer s3cre")).map(IngestAuth.Refusal::status).contains(401);
        assertThat(auth.check("Basic czNjcmV0")).map(IngestAuth.Refusal::status).contains(401);
        assertThat(auth.check(null)).hasValueSatisfying(r -> {
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.message()).doesNotContain("s3cret");
        });
    }

    @Test
    void withoutATokenOnlyALoopbackListenerTakesRequests() {
        assertThat(new IngestAuth(Optional.empty(), true).check(null)).isEmpty();
        assertThat(new IngestAuth(Optional.empty(), false).check("Bearer anything")).map(IngestAuth.Refusal::status).contains(403);
    }
}
