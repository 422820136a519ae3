package dev.vigil.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.EachPostgresVersion;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import dev.vigil.support.TestPostgres;
import java.time.Duration;

/** The README's custom query on the application's own table, next to a broken one that must not spoil it. */
class CustomQueryIT {
    private static final String SOURCE = "postgres/main";

    @EachPostgresVersion
    void rowsBecomeSeriesAndABrokenQueryFailsAlone(String version) throws Exception {
        TestPostgres pg = TestPostgres.shared(version);
        String db = pg.createDatabase("app");
        pg.executeIn(db,
                "CREATE TABLE conversations (id serial PRIMARY KEY, assistant_type text NOT NULL, status text NOT NULL)",
                "INSERT INTO conversations (assistant_type, status) VALUES ('chat', 'active'), ('chat', 'active'), "
                        + "('chat', 'active'), ('voice', 'active'), ('voice', 'active'), ('chat', 'closed'), ('voice', 'closed')",
                "GRANT SELECT ON conversations TO " + TestPostgres.MONITOR_ROLE);
        String yaml = "postgres:\n" + pg.sourceYaml("main", db) + """
                    queries:
                      - name: conversations
                        help: Active conversations per assistant
                        sql: SELECT assistant_type, count(*) AS active FROM conversations WHERE status = 'active' GROUP BY 1
                        columns: { assistant_type: label, active: gauge }
                      - name: conversations_closed
                        sql: SELECT count(*) AS closed FROM conversations WHERE status = 'closed'
                        columns: { closed: counter }
                      - name: broken
                        sql: SELECT count(*) AS n FROM no_such_table
                        columns: { n: gauge }
                """;
        try (RunningExporter vigil = RunningExporter.start(yaml)) {
            Scrape s = vigil.awaitScrape(Duration.ofSeconds(10), x -> x.value("pg_up", "server", "main").orElse(0.0) == 1.0);
            assertThat(s.require("conversations_active", "server", "main", "assistant_type", "chat")).isEqualTo(3.0);
            assertThat(s.require("conversations_active", "server", "main", "assistant_type", "voice")).isEqualTo(2.0);
            assertThat(s.require("conversations_closed_closed_total", "server", "main")).isEqualTo(2.0);
            assertThat(s.body()).contains("# HELP conversations_active Active conversations per assistant; "
                    + "from custom query 'conversations', column active");
            assertThat(s.require("pg_custom_query_up", "server", "main", "query", "conversations")).isEqualTo(1.0);
            assertThat(s.require("pg_custom_query_up", "server", "main", "query", "broken")).isEqualTo(0.0);
            assertThat(s.hasFamily("broken_n")).isFalse();
            assertThat(s.require("vigil_source_up", "source", SOURCE)).isEqualTo(1.0);

            pg.executeIn(db, "UPDATE conversations SET status = 'closed' WHERE assistant_type = 'voice'");
            Scrape after = vigil.scrapeAfterNextPoll(SOURCE);
            assertThat(after.value("conversations_active", "server", "main", "assistant_type", "voice")).isEmpty();
            assertThat(after.require("conversations_active", "server", "main", "assistant_type", "chat")).isEqualTo(3.0);
            assertThat(after.require("conversations_closed_closed_total", "server", "main")).isEqualTo(4.0);
            assertThat(after.require("pg_up", "server", "main")).isEqualTo(1.0);
        }
    }
}
