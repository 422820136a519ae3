package dev.vigil;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An idle event loop sleeps through a few seconds once IdleLoops kept it asleep, and wakes every second without
 * it. Counted by the loop thread's voluntary context switches (Linux' /proc/thread-self/status), read from a task on
 * the loop: each read wakes it once, so a loop that slept in between shows one switch. A loop also blocks, and
 * counts a switch, when the task it woke for waits (for a collection, a class-loading lock): in a full test run a
 * kept loop showed two switches once and four once, while tests before it still had threads at work. Such waits only
 * add switches, so a kept loop passes when one of up to three windows shows it slept through; a loop that wakes
 * every second shows three or more in every window.
 */
class IdleLoopsTest {
    private static final long WINDOW_MS = 3_200;
    private static final int WINDOWS = 3;

    @Test
    void keptLoopsSleepThroughWhileOthersWakeEverySecond() throws Exception {
        Vertx kept = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        Vertx plain = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        try {
            IdleLoops.keepAsleep((VertxInternal) kept);
            List<EventExecutor> keptLoops = loops((VertxInternal) kept);
            List<EventExecutor> plainLoops = loops((VertxInternal) plain);
            // The loops' threads start with the first task given them; what a starting thread blocks on is not counted.
            switches(keptLoops);
            switches(plainLoops);
            Thread.sleep(300);
            long[] fewest = new long[keptLoops.size()];
            Arrays.fill(fewest, Long.MAX_VALUE);
            for (int w = 0; w < WINDOWS && Arrays.stream(fewest).anyMatch(n -> n > 2); w++) {
                List<Long> keptBefore = switches(keptLoops);
                List<Long> plainBefore = switches(plainLoops);
                Thread.sleep(WINDOW_MS);
                List<Long> keptAfter = switches(keptLoops);
                List<Long> plainAfter = switches(plainLoops);
                for (int i = 0; i < keptLoops.size(); i++) {
                    fewest[i] = Math.min(fewest[i], keptAfter.get(i) - keptBefore.get(i));
                    assertThat(plainAfter.get(i) - plainBefore.get(i)).as("wake-ups of plain loop %d in %d ms", i, WINDOW_MS)
                            .isGreaterThanOrEqualTo(3);
                }
            }
            for (int i = 0; i < keptLoops.size(); i++) {
                assertThat(fewest[i]).as("fewest wake-ups of kept loop %d in a window of %d ms", i, WINDOW_MS).isBetween(1L, 2L);
            }
        } finally {
            kept.close().await();
            plain.close().await();
        }
    }

    /** The acceptor's loop and the event loops. */
    private static List<EventExecutor> loops(VertxInternal vertx) {
        List<EventExecutor> loops = new ArrayList<>();
        vertx.acceptorEventLoopGroup().forEach(loops::add);
        vertx.nettyEventLoopGroup().forEach(loops::add);
        return loops;
    }

    private static List<Long> switches(List<EventExecutor> loops) throws Exception {
        List<Long> out = new ArrayList<>();
        for (EventExecutor loop : loops) {
            out.add(loop.submit(IdleLoopsTest::ownVoluntarySwitches).get(5, TimeUnit.SECONDS));
        }
        return out;
    }

    private static long ownVoluntarySwitches() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/thread-self/status"))) {
                if (line.startsWith("voluntary_ctxt_switches:")) {
                    return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            throw new IllegalStateException("no voluntary_ctxt_switches in /proc/thread-self/status");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
