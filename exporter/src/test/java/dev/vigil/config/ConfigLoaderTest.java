package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.support.ConfigFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private VigilConfig load(String yaml, Map<String, String> env) throws ConfigException {
        return ConfigFile.vigil(dir, env).load(yaml);
    }

    private ConfigException error(String yaml) {
        return ConfigFile.vigil(dir).error(yaml);
    }

    @Test
    void acceptsTheDocumentedExampleExactlyAsWritten() throws Exception {
        VigilConfig c = load("""
                server:
                  listen: 127.0.0.1:9740
                redis:
                  main:
                    url: redis://127.0.0.1:6379/0
                bullmq:
                  - redis: main
                    prefix: bull
                    interval: 5s
                """, Map.of());
        assertThat(c.server()).isEqualTo(new ServerConfig("127.0.0.1", 9740));
        assertThat(c.redis().get("main").url()).isEqualTo("redis://127.0.0.1:6379/0");
        assertThat(c.bullmq()).containsExactly(new BullmqConfig("bullmq/main/bull", "main", "bull",
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(30), 1000, List.of(),
                BullmqConfig.EventsConfig.DEFAULTS, ShardConfig.WHOLE));
    }

    @Test
    void defaultsWithoutAFileMatchTheReadme() {
        VigilConfig c = ConfigLoader.defaults();
        assertThat(c.server()).isEqualTo(new ServerConfig("0.0.0.0", 9740));
        assertThat(c.redis().get("main").url()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(c.bullmq()).singleElement().satisfies(b -> {
            assertThat(b.prefix()).isEqualTo("bull");
            assertThat(b.interval()).isEqualTo(Duration.ofSeconds(5));
            assertThat(b.discovers()).isTrue();
        });
    }

    @Test
    void severalRedisAndBullmqEntriesWithExplicitQueues() throws Exception {
        VigilConfig c = load("""
                redis:
                  main: { url: "redis://10.0.0.1:6379" }
                  jobs: { url: "rediss://jobs.internal:6380/2", username: vigil, command_timeout: 2s }
                bullmq:
                  - { redis: main, prefix: bull }
                  - { redis: jobs, prefix: "{jobs}", queues: [render, "tenant:7:export"], interval: 1m, timeout: 15s }
                """, Map.of());
        assertThat(c.redis()).containsOnlyKeys("main", "jobs");
        assertThat(c.redis().get("jobs").commandTimeout()).isEqualTo(Duration.ofSeconds(2));
        BullmqConfig jobs = c.bullmq().get(1);
        assertThat(jobs.name()).isEqualTo("bullmq/jobs/{jobs}");
        assertThat(jobs.queues()).containsExactly("render", "tenant:7:export");
        assertThat(jobs.interval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(jobs.timeout()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void expandsEnvironmentVariablesWithDefaults() throws Exception {
        VigilConfig c = load("""
                server:
                  listen: ${LISTEN:-0.0.0.0:9999}
                redis:
                  main:
                    url: redis://${REDIS_HOST}:6379
                bullmq:
                  - redis: main
                    prefix: price$${literal}
                """, Map.of("REDIS_HOST", "cache.internal"));
        assertThat(c.server().port()).isEqualTo(9999);
        assertThat(c.redis().get("main").url()).isEqualTo("redis://cache.internal:6379");
        assertThat(c.bullmq().get(0).prefix()).isEqualTo("price${literal}");
    }

    @Test
    void readsSecretsFromFilesTrimmedAndNeverPrintsThem() throws Exception {
        Path secret = dir.resolve("redis-password");
        Files.writeString(secret, "s3cr3t-value\n");
        VigilConfig c = load("""
                redis:
                  main:
                    url: redis://127.0.0.1:6379
                    password_file: %s
                bullmq:
                  - redis: main
                """.formatted(secret), Map.of());
        assertThat(c.redis().get("main").password()).contains(new Secret("s3cr3t-value"));
        assertThat(c.summary()).doesNotContain("s3cr3t").contains("(password set)");
        assertThat(c.toString()).doesNotContain("s3cr3t");
    }

    @Test
    void passwordsInUrlsAreRedactedInTheSummary() throws Exception {
        VigilConfig c = load("""
                redis:
                  main: { url: "redis://app:hunter2@127.0.0.1:6379/1" }
                """, Map.of());
        assertThat(c.summary()).contains("redis://app:***@127.0.0.1:6379/1").doesNotContain("hunter2");
    }

    @Test
    void unknownKeyNamesFileLineAndSuggestsTheNearestKey() throws Exception {
        ConfigException e = error("""
                redis:
                  main:
                    url: redis://127.0.0.1:6379
                bullmq:
                  - redis: main
                    prefx: bull
                """);
        assertThat(e.line()).isEqualTo(6);
        assertThat(e.key()).isEqualTo("bullmq[0].prefx");
        assertThat(e.describe()).endsWith("vigil.yml:6: bullmq[0].prefx: unknown key; did you mean 'prefix'?");
    }

    @Test
    void unknownTopLevelSection() throws Exception {
        ConfigException e = error("""
                redis:
                  main: { url: "redis://127.0.0.1:6379" }
                bulmq: []
                """);
        assertThat(e.describe()).endsWith(":3: bulmq: unknown key; did you mean 'bullmq'?");
    }

    @Test
    void badDurationNamesTheForms() throws Exception {
        ConfigException e = error("""
                redis:
                  main: { url: "redis://127.0.0.1:6379" }
                bullmq:
                  - redis: main
                    interval: 5 seconds
                """);
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.getMessage()).isEqualTo("'5 seconds' is not a duration; write it like 500ms, 5s, 1m or 1h");
    }

    @Test
    void fullReadIntervalIsAtLeastTheIntervalAndDefaultsToHalfAMinuteOrTheInterval() throws Exception {
        ConfigException e = error("""
                redis:
                  main: { url: "redis://127.0.0.1:6379" }
                bullmq:
                  - redis: main
                    interval: 10s
                    full_read_interval: 5s
                """);
        assertThat(e.describe()).endsWith("vigil.yml:6: bullmq[0].full_read_interval: must not be shorter than the interval (10s)");
        VigilConfig c = load("""
                redis:
                  main: { url: "redis://127.0.0.1:6379" }
                bullmq:
                  - redis: main
                    interval: 2m
                  - redis: main
                    prefix: other
                    full_read_interval: 1m
                """, Map.of());
        assertThat(c.bullmq().get(0).fullReadInterval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.bullmq().get(1).fullReadInterval()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void wrongTypes() throws Exception {
        assertThat(error("""
                server: 9740
                """).describe()).endsWith(":1: server: expected a mapping (nested key: value lines), got '9740'");
        assertThat(error("""
                redis:
                  main:
                    url: [a, b]
                """).describe()).endsWith(":3: redis.main.url: expected a single value, got a list");
        assertThat(error("""
                redis:
                  main: { url: "redis://127.0.0.1:6379" }
                bullmq:
                  - redis: main
                    max_queues: many
                """).describe()).endsWith(":5: bullmq[0].max_queues: expected a whole number, got 'many'");
        assertThat(error("""
                server:
                  listen: localhost:http
                """).describe()).endsWith(":2: server.listen: port must be a number from 0 to 65535, got 'http'");
    }

    @Test
    void missingReferenceListsKnownConnections() throws Exception {
        ConfigException e = error("""
                redis:
                  main: { url: "redis://127.0.0.1:6379" }
                  jobs: { url: "redis://127.0.0.1:6380" }
                bullmq:
                  - redis: cache
                """);
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.getMessage()).isEqualTo("names no configured Redis connection 'cache'; known: main, jobs");
    }

    @Test
    void entriesOnOneRedisAndPrefixReadDisjointQueuesAndOtherRedisMaySeeTheSameNames() throws Exception {
        String redis = """
                redis:
                  main: { url: "redis://127.0.0.1:6379" }
                  jobs: { url: "redis://127.0.0.1:6380" }
                bullmq:
                """;
        VigilConfig c = load(redis + """
                  - { redis: main }
                  - { redis: jobs }
                  - { redis: main, prefix: other, queues: [email], name: a }
                  - { redis: main, prefix: other, queues: [sms], name: b }
                """, Map.of());
        assertThat(c.bullmq()).extracting(BullmqConfig::name).containsExactly("bullmq/main/bull", "bullmq/jobs/bull", "a", "b");

        ConfigException overlap = error(redis + """
                  - { redis: main, queues: [email, sms], name: a }
                  - { redis: main, queues: [push, sms], name: b }
                """);
        assertThat(overlap.describe()).endsWith("/vigil.yml:6: bullmq[1].queues: lists [sms], also read by a on redis 'main' prefix 'bull'; "
                + "a queue may be read by one entry only");
        ConfigException besideDiscovery = error(redis + """
                  - { redis: main, name: a }
                  - { redis: main, queues: [email], name: b }
                """);
        assertThat(besideDiscovery.describe()).endsWith("/vigil.yml:6: bullmq[1].queues: redis 'main' prefix 'bull' is also read by a, "
                + "which discovers its queues; give entries on the same redis and prefix disjoint queues: lists");
    }

    @Test
    void aBullmqEntryWithNoRedisSectionSaysWhatToAdd() throws Exception {
        ConfigException e = error("""
                bullmq:
                  - prefix: bull
                """);
        assertThat(e.describe()).endsWith("/vigil.yml:2: bullmq[0].redis: needs a Redis connection, and none is configured; "
                + "add one under redis: (e.g. redis: { main: { url: redis://127.0.0.1:6379 } })");
    }

    @Test
    void unsetVariableWithoutDefault() throws Exception {
        ConfigException e = error("""
                redis:
                  main:
                    url: redis://${REDIS_HOST}:6379
                """);
        assertThat(e.describe()).endsWith(":3: redis.main.url: environment variable REDIS_HOST is not set (write ${REDIS_HOST:-default} to give a default)");
    }

    @Test
    void unreadableSecretFileAndBothFormsAtOnce() throws Exception {
        assertThat(error("""
                redis:
                  main:
                    url: redis://127.0.0.1:6379
                    password_file: /nonexistent/secret
                """).describe()).contains(":4: redis.main.password_file: cannot read /nonexistent/secret");
        assertThat(error("""
                redis:
                  main:
                    password: a
                    password_file: /x
                """).describe()).endsWith(":4: redis.main.password_file: give either password or password_file, not both");
    }

    @Test
    void invalidYamlAndDuplicateKeys() throws Exception {
        assertThat(error("redis:\n  main: {url: \"redis://x\"\n").describe()).contains("vigil.yml:").contains("not valid YAML");
        assertThat(error("""
                redis:
                  main: { url: "redis://127.0.0.1:6379" }
                  main: { url: "redis://127.0.0.1:6380" }
                """).describe()).endsWith(":3: redis.main: is given twice");
    }

    @Test
    void redisUrlMustBeRedis() throws Exception {
        assertThat(error("""
                redis:
                  main: { url: "http://user:pw@127.0.0.1:6379" }
                """).describe()).endsWith(":2: redis.main.url: expected redis:// or redis-sentinel:// or rediss:// or rediss-sentinel:// URL, got 'http://user:***@127.0.0.1:6379'");
    }

    @Test
    void tracingSection() throws Exception {
        VigilConfig c = load("""
                tracing:
                  endpoint: http://jaeger:4318
                  protocol: http/protobuf
                  sample_ratio: 0.1
                  headers: { x-tenant: ops }
                  job_traces: { sample_ratio: 0.01 }
                """, Map.of());
        assertThat(c.tracing().enabled()).isTrue();
        assertThat(c.tracing().endpoint()).contains("http://jaeger:4318");
        assertThat(c.tracing().sampleRatio()).isEqualTo(0.1);
        assertThat(c.tracing().jobSampleRatio()).isEqualTo(0.01);
        assertThat(c.tracing().headers().get("x-tenant").value()).isEqualTo("ops");
        assertThat(ConfigLoader.defaults().tracing().enabled()).isFalse();
        assertThat(error("tracing:\n  sample_ratio: 2\n").describe()).endsWith(":2: tracing.sample_ratio: must be between 0 and 1, got 2");
        assertThat(error("tracing:\n  protocol: thrift\n").describe()).endsWith(":2: tracing.protocol: must be grpc or http/protobuf, got 'thrift'");
    }

    @Test
    void missingFile() {
        assertThatThrownBy(() -> new ConfigLoader(n -> null).load(dir.resolve("absent.yml")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("no such file");
    }

    @Test
    void durations() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThatThrownBy(() -> Durations.parse("5")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> Durations.parse("-5s")).hasMessageContaining("not a duration");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
    }
}
