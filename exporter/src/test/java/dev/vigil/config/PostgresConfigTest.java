package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.CustomQueryConfig.Column;
import dev.vigil.support.ConfigFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresConfigTest {
    @TempDir
    Path dir;

    private VigilConfig load(String yaml) throws ConfigException {
        return ConfigFile.vigil(dir).load(yaml);
    }

    private String error(String yaml) {
        return ConfigFile.vigil(dir).errorLine(yaml);
    }

    @Test
    void theReadmeExampleWithItsDefaults() throws Exception {
        Path secret = dir.resolve("pg");
        Files.writeString(secret, "s3cret\n");
        VigilConfig c = load("""
                postgres:
                  primary:
                    url: jdbc:postgresql://127.0.0.1:5432/postgres
                    user: vigil
                    password_file: %s
                    interval: 15s
                """.formatted(secret));
        assertThat(c.bullmq()).isEmpty();
        assertThat(c.postgres()).containsOnlyKeys("primary");
        PostgresConfig p = c.postgres().get("primary");
        assertThat(p).isEqualTo(new PostgresConfig("primary", "jdbc:postgresql://127.0.0.1:5432/postgres", Optional.of("vigil"),
                Optional.of(new Secret("s3cret")), Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(5),
                Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMinutes(5), 1000, Optional.empty(), List.of()));
        assertThat(p.name()).isEqualTo("postgres/primary");
        assertThat(c.summary()).contains("source postgres/primary: postgres jdbc:postgresql://127.0.0.1:5432/postgres (password set), every 15s")
                .doesNotContain("s3cret");
    }

    @Test
    void severalServersStatementsAndCustomQueries() throws Exception {
        VigilConfig c = load("""
                postgres:
                  primary:
                    url: jdbc:postgresql://db1:5432/app?sslmode=verify-full
                    interval: 2s
                    pg_stat_statements: { enabled: true, top: 5 }
                    queries:
                      - name: conversations
                        help: Active conversations per assistant
                        sql: SELECT assistant_type, count(*) AS active FROM conversations WHERE status = 'active' GROUP BY 1
                        columns: { assistant_type: label, active: gauge }
                        interval: 1m
                      - name: jobs
                        sql: SELECT 1 AS done
                        columns: { done: counter }
                        max_rows: 10
                  replica:
                    url: jdbc:postgresql://db2:5432/app
                    pg_stat_statements: { enabled: false }
                """);
        assertThat(c.postgres().keySet()).containsExactly("primary", "replica");
        PostgresConfig primary = c.postgres().get("primary");
        assertThat(primary.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(primary.statementTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(primary.statements()).contains(new StatementsConfig(5, 200));
        assertThat(primary.queries()).containsExactly(
                new CustomQueryConfig("conversations",
                        "SELECT assistant_type, count(*) AS active FROM conversations WHERE status = 'active' GROUP BY 1",
                        Optional.of("Active conversations per assistant"),
                        Map.of("assistant_type", Column.LABEL, "active", Column.GAUGE), Duration.ofMinutes(1), 1000),
                new CustomQueryConfig("jobs", "SELECT 1 AS done", Optional.empty(), Map.of("done", Column.COUNTER),
                        Duration.ofSeconds(2), 10));
        assertThat(primary.queries().get(0).columns().keySet()).containsExactly("assistant_type", "active");
        assertThat(c.postgres().get("replica").statements()).isEmpty();
    }

    @Test
    void mistakesAreNamedWithFileLineAndKey() throws Exception {
        assertThat(error("""
                postgres:
                  primary:
                    url: postgresql://db:5432/app
                """)).isEqualTo("vigil.yml:3: postgres.primary.url: expected a JDBC URL such as "
                + "jdbc:postgresql://127.0.0.1:5432/postgres, got 'postgresql://db:5432/app'");
        assertThat(error("""
                postgres:
                  primary:
                    intervall: 5s
                """)).isEqualTo("vigil.yml:3: postgres.primary.intervall: unknown key; did you mean 'interval'?");
        assertThat(error("""
                postgres:
                  primary:
                    pg_stat_statements: { enabled: true, top: 1000 }
                """)).isEqualTo("vigil.yml:3: postgres.primary.pg_stat_statements.top: must be between 1 and 200, got 1000");
        assertThat(error("""
                bullmq:
                  - { redis: main, name: postgres/primary }
                redis:
                  main: { url: "redis://127.0.0.1:6379" }
                postgres:
                  primary: { url: "jdbc:postgresql://db:5432/app" }
                """)).isEqualTo("vigil.yml:2: bullmq[0].name: source name 'postgres/primary' is used twice; give each entry its own name:");
    }

    @Test
    void customQueryMistakes() throws Exception {
        String query = """
                postgres:
                  primary:
                    queries:
                      - name: %s
                        sql: SELECT 1 AS n
                        columns: { %s }
                """;
        assertThat(error(query.formatted("a-b", "n: gauge")))
                .isEqualTo("vigil.yml:4: postgres.primary.queries[0].name: must be a metric name "
                        + "(letters, digits and _, not starting with a digit), got 'a-b'");
        assertThat(error(query.formatted("q", "n: gauge, kind: lable")))
                .isEqualTo("vigil.yml:6: postgres.primary.queries[0].columns.kind: expected label, gauge or counter, got 'lable'");
        assertThat(error(query.formatted("q", "n: label")))
                .isEqualTo("vigil.yml:6: postgres.primary.queries[0].columns: needs at least one gauge or counter column");
        assertThat(error(query.formatted("q", "server: label, n: gauge")))
                .startsWith("vigil.yml:6: postgres.primary.queries[0].columns.server: must be a label or metric name other than 'server'");
        assertThat(error(query.formatted("llm", "tokens: gauge")))
                .isEqualTo("vigil.yml:4: postgres.primary.queries[0].name: the query's metric llm_tokens would start with 'llm_', "
                        + "which Vigil keeps for its own metrics; choose a name of the application's own, e.g. 'app'");
        for (String name : List.of("pg_app", "bullmq", "redis", "cache", "Vigil_app")) {
            assertThat(error(query.formatted(name, "n: label, count: counter"))).as(name)
                    .startsWith("vigil.yml:4: postgres.primary.queries[0].name: the query's metric " + name + "_count would start with");
        }
        assertThat(error("""
                postgres:
                  primary:
                    queries:
                      - { name: q, sql: SELECT 1 AS n, columns: { n: gauge } }
                      - { name: q, sql: SELECT 2 AS n, columns: { n: gauge } }
                """)).isEqualTo("vigil.yml:5: postgres.primary.queries[1].name: query name 'q' is used twice for this server; "
                + "metric names must be unique");
    }
}
