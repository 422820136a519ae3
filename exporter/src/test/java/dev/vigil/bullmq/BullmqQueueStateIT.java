package dev.vigil.bullmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.support.RedisExtension;
import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import io.lettuce.core.AclCategory;
import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Queues laid out in a real Redis exactly as BullMQ 5, BullMQ 6 and Bull 3 lay them out, read by a running
 * Vigil; every number asserted is the one Prometheus would scrape.
 */
class BullmqQueueStateIT {
    private static final String SOURCE = "bullmq/main/bull";
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.flushedBeforeEachTest();

    private String config(String extra) {
        return RunningExporter.bullmqConfig(redis.url(), "    prefix: bull\n    discovery_interval: 500ms\n" + extra);
    }

    private long redisNowMs() {
        List<String> t = redis.app().time();
        return Long.parseLong(t.get(0)) * 1000 + Long.parseLong(t.get(1)) / 1000;
    }

    private void job(String queue, String id, long timestamp, long delay) {
        redis.app().hset("bull:" + queue + ":" + id, Map.of("name", "send", "data", "{}",
                "timestamp", Long.toString(timestamp), "delay", Long.toString(delay)));
    }

    private void bullmqQueue(String queue) {
        redis.app().hset("bull:" + queue + ":meta", Map.of("opts.maxLenEvents", "10000", "version", "bullmq:5.81.5"));
        redis.app().set("bull:" + queue + ":id", "100");
    }

    @Test
    void countsEveryStateAgeAndWorkersOfABullmqQueue() {
        long now = redisNowMs();
        bullmqQueue("emails");
        // wait: BullMQ LPUSHes new jobs and workers take from the tail, so job 1 is next and oldest.
        redis.app().lpush("bull:emails:wait", "1", "2", "3", "4", "5");
        job("emails", "1", now - 120_000, 0);
        for (String id : List.of("2", "3", "4", "5")) {
            job("emails", id, now, 0);
        }
        redis.app().lpush("bull:emails:active", "6");
        redis.app().zadd("bull:emails:delayed", 1, "7");
        redis.app().zadd("bull:emails:delayed", 2, "8");
        redis.app().zadd("bull:emails:delayed", 3, "9");
        // prioritized score = priority << 32 | counter: job 11 (priority 1) runs before job 10 (priority 5).
        redis.app().zadd("bull:emails:prioritized", (5L << 32) + 1, "10");
        redis.app().zadd("bull:emails:prioritized", (1L << 32) + 2, "11");
        job("emails", "10", now - 500_000, 0);
        job("emails", "11", now - 30_000, 0);
        redis.app().zadd("bull:emails:waiting-children", 0, "12");
        for (int i = 13; i < 17; i++) {
            redis.app().zadd("bull:emails:completed", i, Integer.toString(i));
        }
        redis.app().zadd("bull:emails:failed", 17, "17");
        redis.app().zadd("bull:emails:failed", 18, "18");

        String encoded = Base64.getEncoder().encodeToString("emails".getBytes(StandardCharsets.UTF_8));
        clientNamed("bull:" + encoded);                  // an unnamed worker
        clientNamed("bull:" + encoded + ":w:pdf-worker"); // a named worker
        clientNamed("bull:" + encoded + ":qe");          // QueueEvents: not a worker
        clientNamed("other:" + encoded);                 // another prefix: not ours

        try (RunningExporter vigil = RunningExporter.start(config(""))) {
            Scrape s = vigil.awaitScrape(Duration.ofSeconds(10), x -> x.value("bullmq_queue_workers", "redis", "main", "prefix", "bull", "queue", "emails").isPresent());
            long elapsedMs = redisNowMs() - now;
            Map<String, Double> expected = Map.of("waiting", 5.0, "active", 1.0, "delayed", 3.0, "prioritized", 2.0,
                    "waiting-children", 1.0, "completed", 4.0, "failed", 2.0);
            expected.forEach((state, n) -> assertThat(s.require("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "emails", "state", state))
                    .as(state).isEqualTo(n));
            // The paused list has never held a job: no series of a constant 0.
            assertThat(s.value("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "emails", "state", "paused")).isEmpty();
            assertThat(s.require("bullmq_queue_paused", "redis", "main", "prefix", "bull", "queue", "emails")).isEqualTo(0.0);
            assertThat(s.require("bullmq_queue_workers", "redis", "main", "prefix", "bull", "queue", "emails")).isEqualTo(2.0);
            // The wait tail (120 s) is older than the head of prioritized (30 s); job 10 is not next, so not counted.
            assertThat(s.require("bullmq_queue_oldest_waiting_job_age_seconds", "redis", "main", "prefix", "bull", "queue", "emails"))
                    .isBetween(120.0, 120.0 + elapsedMs / 1000.0);
            assertThat(s.require("vigil_source_up", "source", SOURCE)).isEqualTo(1.0);
        }
    }

    @Test
    void pausedQueuesOfBullmq5And6AndBull3() {
        long now = redisNowMs();
        // BullMQ 5: pausing moves the waiting jobs to the paused list and sets meta.paused.
        bullmqQueue("tenant:42:reports");
        redis.app().hset("bull:tenant:42:reports:meta", "paused", "1");
        redis.app().lpush("bull:tenant:42:reports:paused", "1", "2");
        job("tenant:42:reports", "1", now - 10_000, 0);
        // BullMQ 6: the jobs stay in wait, only meta.paused says the queue is paused.
        bullmqQueue("v6");
        redis.app().hset("bull:v6:meta", "paused", "1");
        redis.app().lpush("bull:v6:wait", "1", "2", "3");
        // Bull 3: no meta hash; the meta-paused key marks a paused queue. Its tail job had a 60 s delay,
        // so it has been ready to run for 40 s, not 100 s.
        redis.app().set("bull:legacy:id", "2");
        redis.app().set("bull:legacy:meta-paused", "1");
        redis.app().lpush("bull:legacy:paused", "1", "2");
        job("legacy", "1", now - 100_000, 60_000);

        try (RunningExporter vigil = RunningExporter.start(config(""))) {
            Scrape s = vigil.awaitScrape(Duration.ofSeconds(10), x -> x.value("bullmq_queue_paused", "redis", "main", "prefix", "bull", "queue", "legacy").isPresent());
            double elapsed = (redisNowMs() - now) / 1000.0;
            assertThat(s.require("bullmq_queue_paused", "redis", "main", "prefix", "bull", "queue", "tenant:42:reports")).isEqualTo(1.0);
            assertThat(s.require("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "tenant:42:reports", "state", "paused")).isEqualTo(2.0);
            assertThat(s.require("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "tenant:42:reports", "state", "waiting")).isEqualTo(0.0);
            assertThat(s.require("bullmq_queue_oldest_waiting_job_age_seconds", "redis", "main", "prefix", "bull", "queue", "tenant:42:reports"))
                    .isBetween(10.0, 10.0 + elapsed);

            assertThat(s.require("bullmq_queue_paused", "redis", "main", "prefix", "bull", "queue", "v6")).isEqualTo(1.0);
            assertThat(s.require("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "v6", "state", "waiting")).isEqualTo(3.0);
            // BullMQ 6 has no paused list: no paused series, as its getJobCounts() has no paused entry.
            assertThat(s.value("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "v6", "state", "paused")).isEmpty();
            // Job hashes missing (removed meanwhile): no age rather than a made-up one.
            assertThat(s.require("bullmq_queue_oldest_waiting_job_age_seconds", "redis", "main", "prefix", "bull", "queue", "v6")).isEqualTo(0.0);

            assertThat(s.require("bullmq_queue_paused", "redis", "main", "prefix", "bull", "queue", "legacy")).isEqualTo(1.0);
            assertThat(s.require("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "legacy", "state", "paused")).isEqualTo(2.0);
            assertThat(s.require("bullmq_queue_oldest_waiting_job_age_seconds", "redis", "main", "prefix", "bull", "queue", "legacy"))
                    .isBetween(40.0, 40.0 + elapsed);

            // Resumed as BullMQ 5 does it: the paused series, once reported, stays and reads 0 rather than ending.
            redis.app().rpoplpush("bull:tenant:42:reports:paused", "bull:tenant:42:reports:wait");
            redis.app().rpoplpush("bull:tenant:42:reports:paused", "bull:tenant:42:reports:wait");
            redis.app().hdel("bull:tenant:42:reports:meta", "paused");
            Scrape resumed = vigil.awaitScrape(Duration.ofSeconds(10),
                    x -> x.require("bullmq_queue_paused", "redis", "main", "prefix", "bull", "queue", "tenant:42:reports") == 0.0);
            assertThat(resumed.require("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "tenant:42:reports", "state", "paused")).isEqualTo(0.0);
            assertThat(resumed.require("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "tenant:42:reports", "state", "waiting")).isEqualTo(2.0);
        }
    }

    @Test
    void aQueueWhoseStreamShowsNoChangeIsNotReadAgainButItsAgeKeepsGrowing() {
        bullmqQueue("quiet");
        long readyAt = redisNowMs() - 10_000;
        job("quiet", "1", readyAt, 0);
        redis.app().lpush("bull:quiet:wait", "1");
        redis.app().xadd("bull:quiet:events", "event", "waiting", "jobId", "1", "prev", "added");
        try (RunningExporter vigil = RunningExporter.start(config("    full_read_interval: 1h\n"))) {
            vigil.awaitScrape(Duration.ofSeconds(10), x -> x.value("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "quiet", "state", "waiting").isPresent());
            double age = vigil.scrapeAfterNextPoll(SOURCE).require("bullmq_queue_oldest_waiting_job_age_seconds", "redis", "main", "prefix", "bull", "queue", "quiet");
            // A job pushed by hand writes no event: with the next full read an hour away, Vigil does not see it...
            job("quiet", "2", redisNowMs(), 0);
            redis.app().lpush("bull:quiet:wait", "2");
            RunningExporter.sleep(1200);
            Scrape s = vigil.scrapeAfterNextPoll(SOURCE);
            assertThat(s.require("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "quiet", "state", "waiting")).isEqualTo(1.0);
            // ...while the age of the job next in line goes on growing with Redis' clock, not frozen at the last read.
            double later = s.require("bullmq_queue_oldest_waiting_job_age_seconds", "redis", "main", "prefix", "bull", "queue", "quiet");
            assertThat(later).isGreaterThanOrEqualTo(age + 1.0).isCloseTo((redisNowMs() - readyAt) / 1000.0, within(1.0));
            // An event, as BullMQ writes one with every change, gets the queue read again at the next poll.
            redis.app().xadd("bull:quiet:events", "event", "waiting", "jobId", "2", "prev", "added");
            vigil.awaitScrape(Duration.ofSeconds(5), x -> x.require("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "quiet", "state", "waiting") == 2.0);
        }
    }

    @Test
    void aDeleteThatWritesNoEventIsSeenWithinTheFullReadInterval() {
        bullmqQueue("manual");
        redis.app().lpush("bull:manual:wait", "1", "2");
        redis.app().xadd("bull:manual:events", "event", "waiting", "jobId", "2", "prev", "added");
        try (RunningExporter vigil = RunningExporter.start(config("    full_read_interval: 2s\n"))) {
            vigil.awaitScrape(Duration.ofSeconds(10), x -> x.value("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "manual", "state", "waiting").orElse(0.0) == 2.0);
            long deleted = System.nanoTime();
            redis.app().del("bull:manual:wait");
            // The documented bound: full_read_interval plus one poll interval, plus the poll's own time and a scrape.
            vigil.awaitScrape(Duration.ofMillis(2000 + 200 + 1500),
                    x -> x.require("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "manual", "state", "waiting") == 0.0);
            assertThat(Duration.ofNanos(System.nanoTime() - deleted)).isLessThanOrEqualTo(Duration.ofMillis(3700));
        }
    }

    @Test
    void aJobReplacedUnderTheSameIdIsSeenWithinTheFullReadInterval() {
        bullmqQueue("reused");
        job("reused", "1", redisNowMs() - 10_000, 0);
        redis.app().lpush("bull:reused:wait", "1");
        try (RunningExporter vigil = RunningExporter.start(config("    full_read_interval: 2s\n"))) {
            vigil.awaitScrape(Duration.ofSeconds(10), x -> x.value("bullmq_queue_oldest_waiting_job_age_seconds", "redis", "main", "prefix", "bull", "queue", "reused").orElse(0.0) >= 10.0);
            // Same id, same place in line, no event: only the full read's fresh HMGET of the job tells the new time.
            job("reused", "1", redisNowMs() - 100_000, 0);
            Scrape s = vigil.awaitScrape(Duration.ofMillis(2000 + 200 + 1500),
                    x -> x.require("bullmq_queue_oldest_waiting_job_age_seconds", "redis", "main", "prefix", "bull", "queue", "reused") >= 100.0);
            assertThat(s.require("bullmq_queue_oldest_waiting_job_age_seconds", "redis", "main", "prefix", "bull", "queue", "reused")).isLessThan(110.0);
        }
    }

    @Test
    void legacyMarkerAtTheTailIsNotCountedAsAJob() {
        bullmqQueue("marked");
        // Older BullMQ 5 releases left a "0:<timestamp>" marker at the tail of wait; getCounts skips it.
        redis.app().rpush("bull:marked:wait", "2", "1", "0:0");
        try (RunningExporter vigil = RunningExporter.start(config(""))) {
            Scrape s = vigil.awaitScrape(Duration.ofSeconds(10), x -> x.hasFamily("bullmq_job_count"));
            assertThat(s.require("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "marked", "state", "waiting")).isEqualTo(2.0);
        }
    }

    @Test
    void aQueueWhoseKeysDisappearDropsOutAndANewOneAppears() {
        bullmqQueue("old");
        redis.app().lpush("bull:old:wait", "1");
        try (RunningExporter vigil = RunningExporter.start(config(""))) {
            vigil.awaitScrape(Duration.ofSeconds(10), x -> x.value("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "old", "state", "waiting").isPresent());
            redis.app().del("bull:old:meta", "bull:old:id", "bull:old:wait");
            bullmqQueue("new");
            Scrape s = vigil.awaitScrape(Duration.ofSeconds(10), x -> x.value("bullmq_queue_paused", "redis", "main", "prefix", "bull", "queue", "new").isPresent());
            assertThat(s.value("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "old", "state", "waiting")).isEmpty();
            assertThat(s.body()).doesNotContain("queue=\"old\"");
        }
    }

    @Test
    void explicitQueuesAreReportedEvenWhenEmptyAndOthersAreIgnored() {
        bullmqQueue("listed");
        redis.app().lpush("bull:listed:wait", "1", "2");
        bullmqQueue("unlisted");
        String yaml = """
                redis:
                  main:
                    url: %s
                bullmq:
                  - redis: main
                    prefix: bull
                    interval: 200ms
                    queues: [listed, "not:created:yet"]
                """.formatted(redis.url());
        try (RunningExporter vigil = RunningExporter.start(yaml)) {
            Scrape s = vigil.awaitScrape(Duration.ofSeconds(10), x -> x.hasFamily("bullmq_job_count"));
            assertThat(s.require("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "listed", "state", "waiting")).isEqualTo(2.0);
            assertThat(s.require("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "not:created:yet", "state", "waiting")).isEqualTo(0.0);
            assertThat(s.body()).doesNotContain("queue=\"unlisted\"");
        }
    }

    @Test
    void maxQueuesBoundsTheSeriesByName() {
        for (String q : List.of("a", "b", "c", "d", "e")) {
            bullmqQueue(q);
        }
        try (RunningExporter vigil = RunningExporter.start(config("    max_queues: 3\n"))) {
            Scrape s = vigil.awaitScrape(Duration.ofSeconds(10), x -> x.hasFamily("bullmq_queue_paused"));
            assertThat(s.series().keySet().stream().filter(k -> k.startsWith("bullmq_queue_paused{")).toList())
                    .containsExactly("bullmq_queue_paused{prefix=\"bull\",queue=\"a\",redis=\"main\"}",
                            "bullmq_queue_paused{prefix=\"bull\",queue=\"b\",redis=\"main\"}",
                            "bullmq_queue_paused{prefix=\"bull\",queue=\"c\",redis=\"main\"}");
            // Counted, not only logged: 5 found, 2 left out.
            assertThat(s.require("bullmq_queues_discovered", "source", SOURCE, "redis", "main")).isEqualTo(5.0);
            assertThat(s.require("bullmq_queues_dropped", "source", SOURCE, "redis", "main")).isEqualTo(2.0);
        }
    }

    @Test
    void aKeyOfAnotherTypeUnderThePrefixSkipsThatQueueOnly() {
        bullmqQueue("good");
        redis.app().lpush("bull:good:wait", "1");
        bullmqQueue("clash");
        redis.app().set("bull:clash:wait", "not a list");
        try (RunningExporter vigil = RunningExporter.start(config(""))) {
            Scrape s = vigil.awaitScrape(Duration.ofSeconds(10), x -> x.hasFamily("bullmq_job_count"));
            assertThat(s.require("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "good", "state", "waiting")).isEqualTo(1.0);
            assertThat(s.body()).doesNotContain("queue=\"clash\"");
            assertThat(s.require("vigil_source_up", "source", SOURCE)).isEqualTo(1.0);
            // The skipped queue is read again at every poll, with commands: only a first read goes as a script.
            vigil.scrapeAfterNextPoll(SOURCE);
            long scripts = evalCalls();
            vigil.scrapeAfterNextPoll(SOURCE);
            vigil.scrapeAfterNextPoll(SOURCE);
            assertThat(evalCalls()).isEqualTo(scripts);
        }
    }

    @Test
    void aRedisUserWithoutScriptsGetsTheSameFiguresFromCommands() {
        long now = redisNowMs();
        bullmqQueue("emails");
        redis.app().lpush("bull:emails:wait", "1", "2");
        job("emails", "1", now - 60_000, 0);
        redis.app().zadd("bull:emails:prioritized", (1L << 32) + 1, "3");
        job("emails", "3", now - 90_000, 5_000);
        redis.app().zadd("bull:emails:completed", 1, "4");
        // BullMQ 5 paused, with the marker older releases left at the tail.
        bullmqQueue("held");
        redis.app().hset("bull:held:meta", "paused", "1");
        redis.app().rpush("bull:held:paused", "6", "5", "0:0");
        job("held", "5", now - 20_000, 0);
        // Bull 3: no meta hash.
        redis.app().set("bull:legacy:id", "2");
        redis.app().set("bull:legacy:meta-paused", "1");
        redis.app().lpush("bull:legacy:paused", "1");
        job("legacy", "1", now - 30_000, 0);
        // The job next in line is a key of another type: the queue is still reported, with no age from that job.
        bullmqQueue("odd");
        redis.app().lpush("bull:odd:wait", "7");
        redis.app().set("bull:odd:7", "not a hash");
        // Under the prefix but not BullMQ's: skipped by both ways of reading.
        bullmqQueue("clash");
        redis.app().set("bull:clash:wait", "not a list");
        // A user that may read every key but not run scripts, as some managed Redis services hand out.
        redis.app().aclSetuser("noscripts", AclSetuserArgs.Builder.on().addPassword("pw").allKeys().allCommands()
                .removeCategory(AclCategory.SCRIPTING));
        List<String> warnings = new CopyOnWriteArrayList<>();
        Logger log = Logger.getLogger(QueueScript.class.getName());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                warnings.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(capture);
        String withoutScripts = RunningExporter.bullmqConfig(redis.url().replace("redis://", "redis://noscripts:pw@"),
                "    prefix: bull\n    discovery_interval: 500ms\n");
        try (RunningExporter scripted = RunningExporter.start(config(""));
             RunningExporter commands = RunningExporter.start(withoutScripts)) {
            Predicate<Scrape> ready = x -> x.value("bullmq_queue_paused", "redis", "main", "prefix", "bull", "queue", "odd").isPresent();
            Scrape a = scripted.awaitScrape(Duration.ofSeconds(10), ready);
            Scrape b = commands.awaitScrape(Duration.ofSeconds(10), ready);
            double elapsed = (redisNowMs() - now) / 1000.0;
            for (Scrape s : List.of(a, b)) {
                assertThat(count(s, "emails", "waiting")).isEqualTo(2.0);
                assertThat(count(s, "emails", "prioritized")).isEqualTo(1.0);
                assertThat(count(s, "emails", "completed")).isEqualTo(1.0);
                // Job 3 became ready 85 s ago (created 90 s ago, delayed 5 s): older than job 1 at the wait tail.
                assertThat(ofQueue(s, "bullmq_queue_oldest_waiting_job_age_seconds", "emails")).isBetween(85.0, 85.0 + elapsed);
                assertThat(ofQueue(s, "bullmq_queue_paused", "held")).isEqualTo(1.0);
                assertThat(count(s, "held", "paused")).isEqualTo(2.0);
                assertThat(ofQueue(s, "bullmq_queue_oldest_waiting_job_age_seconds", "held")).isBetween(20.0, 20.0 + elapsed);
                assertThat(ofQueue(s, "bullmq_queue_paused", "legacy")).isEqualTo(1.0);
                assertThat(count(s, "legacy", "paused")).isEqualTo(1.0);
                assertThat(ofQueue(s, "bullmq_queue_oldest_waiting_job_age_seconds", "legacy")).isBetween(30.0, 30.0 + elapsed);
                assertThat(count(s, "odd", "waiting")).isEqualTo(1.0);
                assertThat(ofQueue(s, "bullmq_queue_oldest_waiting_job_age_seconds", "odd")).isEqualTo(0.0);
                assertThat(s.body()).doesNotContain("queue=\"clash\"");
                assertThat(s.require("vigil_source_up", "source", SOURCE)).isEqualTo(1.0);
            }
            // Said once, by the Vigil whose user may not run scripts; the other read with the script.
            assertThat(warnings.stream().filter(w -> w.contains("refused Vigil's read-only script")).toList()).singleElement()
                    .satisfies(w -> assertThat(w).contains("NOPERM"));
        } finally {
            log.removeHandler(capture);
            redis.app().aclDeluser("noscripts");
        }
    }

    private static double count(Scrape s, String queue, String state) {
        return s.require("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", queue, "state", state);
    }

    private static double ofQueue(Scrape s, String family, String queue) {
        return s.require(family, "redis", "main", "prefix", "bull", "queue", queue);
    }

    private long evalCalls() {
        Matcher m = Pattern.compile("cmdstat_eval:calls=(\\d+)").matcher(redis.app().info("commandstats"));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private void clientNamed(String name) {
        StatefulRedisConnection<String, String> c = redis.server().connect();
        c.sync().clientSetname(name);
    }

    @Test
    void aSlowDiscoveryRunsBesideThePollsAndNeverFailsThem() {
        bullmqQueue("early");
        redis.app().rpush("bull:early:wait", "1");
        // Every SCAN reply is held back 1.5 s, longer than a poll may take: a SCAN inside a poll would time it out.
        try (dev.vigil.support.SlowScanProxy proxy = new dev.vigil.support.SlowScanProxy(redis.server().port(), 1500);
             RunningExporter vigil = RunningExporter.start("""
                     redis:
                       main:
                         url: redis://127.0.0.1:%d
                     bullmq:
                       - redis: main
                         interval: 200ms
                         timeout: 1s
                         discovery_interval: 1s
                     """.formatted(proxy.port()))) {
            Scrape first = vigil.awaitScrape(Duration.ofSeconds(20), s -> s.value("bullmq_job_count", "redis", "main", "prefix", "bull",
                    "queue", "early", "state", "waiting").orElse(0.0) == 1.0);
            double timeoutsAtStart = first.require("vigil_source_poll_errors_total", "source", SOURCE, "reason", "timeout");
            bullmqQueue("late");
            redis.app().rpush("bull:late:wait", "1", "2");
            // The new queue shows up through a later discovery, while every poll keeps succeeding.
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            Scrape s = vigil.scrape();
            while (s.value("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "late", "state", "waiting").orElse(0.0) != 2.0) {
                assertThat(s.require("vigil_source_up", "source", SOURCE)).isEqualTo(1.0);
                assertThat(System.nanoTime()).as("the late queue was never discovered").isLessThan(deadline);
                RunningExporter.sleep(100);
                s = vigil.scrape();
            }
            RunningExporter.sleep(3000); // a few more discoveries
            Scrape after = vigil.scrape();
            assertThat(proxy.scans()).isGreaterThanOrEqualTo(3);
            assertThat(after.require("vigil_source_up", "source", SOURCE)).isEqualTo(1.0);
            assertThat(after.require("vigil_source_poll_errors_total", "source", SOURCE, "reason", "timeout")).isEqualTo(timeoutsAtStart);
        }
    }

    @Test
    void theDatabaseIndexOfTheUrlOrTheDatabaseKeyIsTheOneRead() {
        RedisCommands<String, String> db3 = redis.server().sync();
        db3.select(3);
        db3.hset("bull:in3:meta", Map.of("opts.maxLenEvents", "10000", "version", "bullmq:5.81.5"));
        db3.rpush("bull:in3:wait", "1", "2");
        bullmqQueue("in0");
        String inUrl = "url: " + redis.url() + "/3";
        String asKey = "{ url: " + redis.url() + ", database: 3 }";
        for (String main : new String[] {"{ " + inUrl + " }", asKey}) {
            try (RunningExporter vigil = RunningExporter.start("""
                    redis:
                      main: %s
                    bullmq:
                      - redis: main
                        interval: 200ms
                    """.formatted(main))) {
                Scrape s = vigil.awaitScrape(Duration.ofSeconds(10), x -> x.value("bullmq_job_count", "redis", "main", "prefix", "bull",
                        "queue", "in3", "state", "waiting").isPresent());
                assertThat(s.require("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", "in3", "state", "waiting")).isEqualTo(2.0);
                assertThat(s.body()).doesNotContain("queue=\"in0\"");
            }
        }
    }
}
