package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.ConfigFile;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardConfigTest {
    @TempDir
    Path dir;

    private static final String HEAD = """
            redis:
              main: { url: "redis://127.0.0.1:6379" }
            """;

    private VigilConfig load(String yaml, Map<String, String> env) throws ConfigException {
        return ConfigFile.vigil(dir, env).startingWith(HEAD).load(yaml);
    }

    /** The one line Main prints, without the temporary directory. */
    private String error(String yaml) {
        return ConfigFile.vigil(dir, Map.of("POD_NAME", "vigil-5")).startingWith(HEAD).errorLine(yaml);
    }

    @Test
    void numberOverCount() throws Exception {
        VigilConfig c = load("""
                bullmq:
                  - redis: main
                    shard: 1/3
                """, Map.of());
        assertThat(c.bullmq().get(0).shard()).isEqualTo(new ShardConfig(1, 3));
        assertThat(c.shard().first()).isFalse();
        assertThat(c.summary()).contains("source bullmq/main/bull: bullmq prefix 'bull' on redis main, every 5s, discovering queues, shard 1/3\n");
    }

    @Test
    void statefulSetPodNameGivesItsOrdinal() throws Exception {
        VigilConfig c = load("""
                bullmq:
                  - redis: main
                    shard: ${POD_NAME}/3
                  - redis: main
                    prefix: other
                    shard: ${POD_NAME}/3
                """, Map.of("POD_NAME", "vigil-exporter-2"));
        assertThat(c.bullmq()).extracting(BullmqConfig::shard).containsExactly(new ShardConfig(2, 3), new ShardConfig(2, 3));
    }

    @Test
    void unshardedByDefaultAndShardZeroReadsTheRest() throws Exception {
        VigilConfig whole = load("bullmq:\n  - redis: main\n", Map.of());
        assertThat(whole.shard()).isEqualTo(ShardConfig.WHOLE);
        assertThat(whole.shard().sharded()).isFalse();
        VigilConfig zero = load("bullmq:\n  - redis: main\n    shard: 0/2\n", Map.of());
        assertThat(zero.shard().first()).isTrue();
        assertThat(zero.shard().sharded()).isTrue();
    }

    @Test
    void otherShardsSayWhatTheyLeaveToShardZero() throws Exception {
        VigilConfig c = load("""
                bullmq:
                  - redis: main
                    shard: 2/3
                cache:
                  redis_info: [main]
                """, Map.of());
        assertThat(c.summary()).contains("shard 2/3: PostgreSQL, cache and LLM sources are left to shard 0\n")
                .doesNotContain("source redis/main");
    }

    @Test
    void invalidValuesAreOneLineWithFileLineAndKey() throws Exception {
        assertThat(error("bullmq:\n  - redis: main\n    shard: 3/3\n"))
                .isEqualTo("vigil.yml:5: bullmq[0].shard: shard 3 does not exist among 3: I counts from 0 to 2");
        assertThat(error("bullmq:\n  - redis: main\n    shard: ${POD_NAME}/3\n"))
                .isEqualTo("vigil.yml:5: bullmq[0].shard: pod ordinal 5 has no shard among 3 ('vigil-5/3'): give N the StatefulSet's replica count");
        assertThat(error("bullmq:\n  - redis: main\n    shard: 1/0\n"))
                .isEqualTo("vigil.yml:5: bullmq[0].shard: N must be between 1 and 1024, got '1/0'");
        assertThat(error("bullmq:\n  - redis: main\n    shard: 1/99999999999\n"))
                .isEqualTo("vigil.yml:5: bullmq[0].shard: number too large in '1/99999999999'");
        assertThat(error("bullmq:\n  - redis: main\n    shard: auto\n"))
                .isEqualTo("vigil.yml:5: bullmq[0].shard: expected I/N, shard I (from 0) of N, or a StatefulSet pod name for I "
                        + "(e.g. 1/3, or ${POD_NAME}/3 for vigil-1/3); got 'auto'");
        assertThat(error("bullmq:\n  - redis: main\n    shard: vigil/3\n")).startsWith("vigil.yml:5: bullmq[0].shard: expected I/N");
        assertThat(error("bullmq:\n  - redis: main\n    shard: -1/3\n")).startsWith("vigil.yml:5: bullmq[0].shard: expected I/N");
        assertThat(error("bullmq:\n  - redis: main\n    shard: [1, 3]\n"))
                .isEqualTo("vigil.yml:5: bullmq[0].shard: expected a single value, got a list");
        assertThat(error("bullmq:\n  - redis: main\n    shard: 1/3\n    shrad: 1/3\n"))
                .isEqualTo("vigil.yml:6: bullmq[0].shrad: unknown key; did you mean 'shard'?");
    }

    @Test
    void everyEntryMustBeTheSameShard() throws Exception {
        assertThat(error("""
                bullmq:
                  - redis: main
                    shard: 1/3
                  - redis: main
                    prefix: other
                """)).isEqualTo("vigil.yml:6: bullmq[1].shard: is 0/1 but bullmq/main/bull has 1/3; give every bullmq entry the same "
                + "shard: (a replica is one shard of all the queues it reads)");
    }
}
