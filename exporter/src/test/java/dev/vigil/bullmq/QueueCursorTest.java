package dev.vigil.bullmq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.redis.OwnLookups;
import io.lettuce.core.StreamMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The events cursor of one queue, fed the XINFO STREAM and XREAD replies Redis gives, event shapes as BullMQ's
 * Lua scripts write them: where it reads from, what it counts, and what it finds lost.
 */
class QueueCursorTest {
    private static final QueueRef QUEUE = new QueueRef("bull", "mail");
    private static final int REQUESTED = 10;

    private final OwnLookups lookups = new OwnLookups("main");
    private final AtomicInteger noEntriesAdded = new AtomicInteger();
    private final List<Completion> completions = new ArrayList<>();

    private static StreamMessage<String, String> event(String id, String... fields) {
        Map<String, String> body = new LinkedHashMap<>();
        for (int i = 0; i < fields.length; i += 2) {
            body.put(fields[i], fields[i + 1]);
        }
        return new StreamMessage<>(QUEUE.key("events"), id, body);
    }

    private static StreamInfo info(String lastId, long entriesAdded) {
        return new StreamInfo(true, StreamId.parse(lastId), entriesAdded);
    }

    /** One poll as EventsTail makes it: XINFO when asked for (else none), then the XREAD's messages. */
    private boolean poll(QueueCursor c, boolean fullRead, StreamInfo info, List<StreamMessage<String, String>> messages) {
        boolean asks = c.needsInfo(fullRead);
        assertThat(asks).as("XINFO asked").isEqualTo(info != null);
        c.readFrom();
        return c.apply(QUEUE, messages, info, REQUESTED, completions, lookups, noEntriesAdded::incrementAndGet);
    }

    private static FinishedJobs.Totals totals(QueueCursor c) {
        return c.totals.of("");
    }

    @Test
    void aQueueSeenAtStartBeginsAtItsStreamsEndAndCountsOnlyLaterEvents() {
        QueueCursor c = new QueueCursor(true, 100, false, 50);
        assertThat(c.tails()).isFalse();
        assertThat(c.needsInfo(false)).isTrue();
        assertThat(c.readFrom()).isNull(); // no XREAD until the end is known
        // History before Vigil started is not read, and the XREAD of this round trip did not include the stream.
        assertThat(c.apply(QUEUE, List.of(), info("1000-2", 7), REQUESTED, completions, lookups, noEntriesAdded::incrementAndGet)).isFalse();
        assertThat(c.tails()).isTrue();
        assertThat(lookups.hits()).isZero();
        assertThat(c.needsInfo(false)).isFalse();
        assertThat(c.readFrom()).isEqualTo("1000-2");

        assertThat(c.apply(QUEUE, List.of(event("1001-0", "event", "completed", "jobId", "7")), null, REQUESTED, completions, lookups,
                noEntriesAdded::incrementAndGet)).isTrue();
        assertThat(totals(c).completed).isEqualTo(1);
        assertThat(c.readFrom()).isEqualTo("1001-0");
        assertThat(lookups.hits()).isEqualTo(2); // a stream read is two keyspace lookups
        assertThat(c.totals.all()).containsOnlyKeys("");
    }

    @Test
    void aQueueCreatedWhileWatchedIsReadFromTheBeginningAndTailsOnceItsStreamExists() {
        QueueCursor c = new QueueCursor(false, 100, false, 50);
        assertThat(c.needsInfo(false)).isTrue(); // whether the stream exists is not known yet
        assertThat(c.readFrom()).isEqualTo("0-0");
        assertThat(c.apply(QUEUE, List.of(), StreamInfo.MISSING, REQUESTED, completions, lookups, noEntriesAdded::incrementAndGet)).isFalse();
        assertThat(c.tails()).isFalse(); // no stream: the queue's state is read at every poll
        assertThat(lookups.misses()).isEqualTo(2);
        assertThat(noEntriesAdded).hasValue(0); // a missing stream is not an old Redis

        assertThat(poll(c, false, null, List.of(
                event("1500-0", "event", "added", "jobId", "1", "name", "send"),
                event("1500-1", "event", "waiting", "jobId", "1")))).isTrue();
        assertThat(c.tails()).isTrue();
        assertThat(c.readFrom()).isEqualTo("1500-1");
        assertThat(lookups.misses()).isEqualTo(2);
        assertThat(lookups.hits()).isEqualTo(2); // the read found events: the stream exists
    }

    @Test
    void aFullReadAsksXinfoEvenWhileTailing() {
        QueueCursor c = new QueueCursor(true, 100, false, 50);
        poll(c, false, info("100-0", 0), List.of());
        assertThat(c.needsInfo(false)).isFalse();
        assertThat(c.needsInfo(true)).isTrue();
    }

    @Test
    void retriesAreJobsLeavingActiveWithoutFinishingAndAStallIsNotARetry() {
        QueueCursor c = new QueueCursor(false, 100, false, 50);
        poll(c, false, info("0-0", 0), List.of());
        poll(c, false, null, List.of(
                // job 1: back to wait from active (retryJob), then taken again: one retry
                event("100-0", "event", "active", "jobId", "1"),
                event("101-0", "event", "waiting", "jobId", "1", "prev", "active"),
                event("102-0", "event", "active", "jobId", "1"),
                // job 2: moveStalledJobsToWait writes waiting, then stalled: a stall, not a retry
                event("200-0", "event", "active", "jobId", "2"),
                event("201-0", "event", "waiting", "jobId", "2", "prev", "active"),
                event("201-1", "event", "stalled", "jobId", "2"),
                // job 3: moveToDelayed from active (retry with backoff)
                event("300-0", "event", "active", "jobId", "3"),
                event("301-0", "event", "delayed", "jobId", "3", "delay", "5000"),
                // job 4: earlier BullMQ 5 retryJob writes prev=failed for a job leaving active
                event("400-0", "event", "active", "jobId", "4"),
                event("401-0", "event", "waiting", "jobId", "4", "prev", "failed"),
                // job 5: a failed job retried by hand (reprocessJob) was not active: no retry
                event("500-0", "event", "waiting", "jobId", "5", "prev", "failed")));
        assertThat(totals(c).retried).isEqualTo(3);
        assertThat(totals(c).stalled).isEqualTo(1);

        // A waiting-after-active that ends a read is decided by the next event, in the next poll.
        poll(c, false, null, List.of(
                event("600-0", "event", "active", "jobId", "6"),
                event("601-0", "event", "waiting", "jobId", "6", "prev", "active")));
        assertThat(totals(c).retried).isEqualTo(3);
        poll(c, false, null, List.of(event("700-0", "event", "completed", "jobId", "9")));
        assertThat(totals(c).retried).isEqualTo(4);
        assertThat(totals(c).completed).isEqualTo(1);
    }

    @Test
    void finishedJobsAreCountedWithTheirTrailForLatency() {
        QueueCursor c = new QueueCursor(false, 100, false, 50);
        poll(c, false, info("0-0", 0), List.of());
        poll(c, false, null, List.of(
                event("1000-0", "event", "added", "jobId", "1", "name", "resize"),
                event("1000-1", "event", "waiting", "jobId", "1"),
                event("1500-0", "event", "active", "jobId", "1"),
                event("2250-0", "event", "completed", "jobId", "1", "returnvalue", "null"),
                event("3000-0", "event", "active", "jobId", "2"),
                event("3100-0", "event", "failed", "jobId", "2", "failedReason", "boom"),
                event("3200-0", "event", "completed"))); // no jobId: ignored
        assertThat(totals(c).completed).isEqualTo(1);
        assertThat(totals(c).failed).isEqualTo(1);
        assertThat(completions).hasSize(2);
        Completion done = completions.get(0);
        assertThat(done.queue).isEqualTo(QUEUE);
        assertThat(done.jobId).isEqualTo("1");
        assertThat(done.failed).isFalse();
        assertThat(done.finishedMs).isEqualTo(2250);
        assertThat(done.trail.name).isEqualTo("resize");
        assertThat(done.trail.readyMs).isEqualTo(1000);
        assertThat(done.trail.activeMs).isEqualTo(1500);
        assertThat(done.totals).isSameAs(totals(c));
        Completion failed = completions.get(1);
        assertThat(failed.jobId).isEqualTo("2");
        assertThat(failed.failed).isTrue();
        assertThat(failed.finishedMs).isEqualTo(3100);
        assertThat(failed.trail.readyMs).isZero(); // became ready before Vigil watched
        assertThat(failed.trail.activeMs).isEqualTo(3000);
    }

    @Test
    void jobNamesAsLabelsAreBoundedAndUnknownNamesSaySo() {
        QueueCursor c = new QueueCursor(false, 100, true, 3);
        assertThat(c.totals.all()).isEmpty(); // series appear with the names
        poll(c, false, info("0-0", 0), List.of());
        poll(c, false, null, List.of(
                event("1-0", "event", "added", "jobId", "1", "name", "a"),
                event("1-1", "event", "added", "jobId", "2", "name", "b"),
                event("1-2", "event", "added", "jobId", "3", "name", "c"),
                event("2-0", "event", "completed", "jobId", "1"),
                event("2-1", "event", "completed", "jobId", "2"),
                event("2-2", "event", "completed", "jobId", "4"), // added before Vigil watched
                event("2-3", "event", "completed", "jobId", "3"))); // a fourth name: beyond max_job_names
        assertThat(c.totals.all()).containsOnlyKeys("a", "b", "unknown", "other");
        assertThat(c.totals.all()).allSatisfy((name, t) -> assertThat(t.completed).as(name).isEqualTo(1));
    }

    @Test
    void entriesAddedAfterXinfoWaitForTheNextPoll() {
        QueueCursor c = new QueueCursor(true, 100, false, 50);
        poll(c, false, info("100-0", 10), List.of());
        // XINFO said 102-0; 103-0 arrived before the XREAD in the same round trip.
        assertThat(poll(c, true, info("102-0", 12), List.of(
                event("101-0", "event", "completed", "jobId", "1"),
                event("102-0", "event", "completed", "jobId", "2"),
                event("103-0", "event", "completed", "jobId", "3")))).isTrue();
        assertThat(totals(c).completed).isEqualTo(2);
        assertThat(c.readFrom()).isEqualTo("102-0");
        assertThat(c.totals.eventsLost).isZero();
        poll(c, false, null, List.of(event("103-0", "event", "completed", "jobId", "3")));
        assertThat(totals(c).completed).isEqualTo(3);
    }

    @Test
    void eventsTrimmedBeforeVigilReadThemAreCountedLostAlsoAcrossARecreatedStream() {
        QueueCursor c = new QueueCursor(true, 100, false, 50);
        poll(c, false, info("100-0", 10), List.of());
        // 10 entries added since; the stream kept only the last 6.
        List<StreamMessage<String, String>> kept = new ArrayList<>();
        for (int ms = 105; ms <= 110; ms++) {
            kept.add(event(ms + "-0", "event", "completed", "jobId", Integer.toString(ms)));
        }
        poll(c, true, info("110-0", 20), kept);
        assertThat(totals(c).completed).isEqualTo(6);
        assertThat(c.totals.eventsLost).isEqualTo(4);
        poll(c, true, info("112-0", 22), List.of(event("111-0", "event", "active", "jobId", "9"), event("112-0", "event", "active", "jobId", "9")));
        assertThat(c.totals.eventsLost).isEqualTo(4);
        // The stream was deleted and created again: entries-added starts over, 5 added, 3 still there.
        poll(c, true, info("200-0", 5), List.of(event("150-0", "event", "active", "jobId", "9"), event("160-0", "event", "active", "jobId", "9"),
                event("200-0", "event", "active", "jobId", "9")));
        assertThat(c.totals.eventsLost).isEqualTo(6);
        assertThat(noEntriesAdded).hasValue(0);
    }

    @Test
    void aFullXreadLeavesLossAccountingToTheReadThatCatchesUp() {
        QueueCursor c = new QueueCursor(true, 100, false, 50);
        poll(c, false, info("100-0", 0), List.of());
        List<StreamMessage<String, String>> full = new ArrayList<>();
        for (int ms = 101; ms <= 100 + REQUESTED; ms++) {
            full.add(event(ms + "-0", "event", "active", "jobId", "1"));
        }
        // XINFO says 115-0: the XREAD got its COUNT and more waits, so nothing can be called lost yet.
        poll(c, true, info("115-0", 15), full);
        assertThat(c.readFrom()).isEqualTo("110-0");
        assertThat(c.totals.eventsLost).isZero();
        poll(c, true, info("115-0", 15), List.of(event("112-0", "event", "active", "jobId", "1"), event("115-0", "event", "active", "jobId", "1")));
        // 15 added, 12 read: 111, 113 and 114 were trimmed.
        assertThat(c.totals.eventsLost).isEqualTo(3);
    }

    @Test
    void xinfoAfterTheReadClosesTheAccountingOnlyWhenNothingArrivedBetween() {
        QueueCursor c = new QueueCursor(true, 100, false, 50);
        poll(c, false, info("100-0", 10), List.of());
        assertThat(poll(c, false, null, List.of(event("103-0", "event", "active", "jobId", "1")))).isTrue();
        // 104-0 arrived after the XREAD: this XINFO cannot say what was lost.
        c.applyLateInfo(QUEUE, info("104-0", 14), noEntriesAdded::incrementAndGet);
        assertThat(c.totals.eventsLost).isZero();
        assertThat(c.readFrom()).isEqualTo("103-0");
        assertThat(poll(c, false, null, List.of(event("104-0", "event", "active", "jobId", "1")))).isTrue();
        c.applyLateInfo(QUEUE, info("104-0", 14), noEntriesAdded::incrementAndGet);
        assertThat(c.totals.eventsLost).isEqualTo(2); // 4 added, 2 read
    }

    @Test
    void entriesDeletedBeyondWhatWasReadMoveTheCursorToTheStreamsLastId() {
        QueueCursor c = new QueueCursor(true, 100, false, 50);
        poll(c, false, info("100-0", 10), List.of());
        poll(c, true, info("150-0", 12), List.of(event("120-0", "event", "active", "jobId", "1")));
        assertThat(c.readFrom()).isEqualTo("150-0");
        assertThat(c.totals.eventsLost).isEqualTo(1);
    }

    @Test
    void aRedisBefore7ReportsNoEntriesAddedSoLossIsNotCounted() {
        QueueCursor c = new QueueCursor(true, 100, false, 50);
        poll(c, false, info("100-0", -1), List.of());
        poll(c, true, info("110-0", -1), List.of(event("110-0", "event", "completed", "jobId", "1")));
        assertThat(c.totals.eventsLost).isZero();
        assertThat(totals(c).completed).isEqualTo(1);
        assertThat(noEntriesAdded).hasValue(1);
    }

    @Test
    void xinfoStreamRepliesAreReadAsRedisSendsThem() {
        assertThat(StreamInfo.parse(List.<Object>of("length", 3L, "radix-tree-keys", 1L, "last-generated-id", "1700000000000-3",
                "max-deleted-entry-id", "0-0", "entries-added", 9L, "recorded-first-entry-id", "1700000000000-1")))
                .isEqualTo(new StreamInfo(true, new StreamId(1_700_000_000_000L, 3), 9));
        // Redis 6: no entries-added.
        assertThat(StreamInfo.parse(List.<Object>of("length", 0L, "last-generated-id", "5-1")))
                .isEqualTo(new StreamInfo(true, new StreamId(5, 1), -1));
    }
}
