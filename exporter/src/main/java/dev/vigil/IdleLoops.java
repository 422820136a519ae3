package dev.vigil;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.vertx.core.internal.VertxInternal;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Keeps idle event loops asleep. A Netty event loop with nothing scheduled still wakes once a second (its
 * SingleThreadEventExecutor returns a fixed one-second "purge interval" as the time to wait), and on the 2-core VMs
 * Vigil was measured on each wake-up cost 0.2-0.3 ms of CPU: the acceptor's loop and the HTTP server's, idle
 * between scrapes, took 0.3 and 0.2 ms a second, a tenth of a settled 1,000-queue Vigil's CPU. A no-op task
 * scheduled an hour ahead, again every hour, is what each loop then waits for instead; any sooner task (a
 * connection, a timer, a write from another thread) wakes it as before. The polls' loop has its own timers.
 */
final class IdleLoops {
    private static final long PERIOD_MINUTES = 60;

    private IdleLoops() {
    }

    static void keepAsleep(VertxInternal vertx) {
        for (EventExecutorGroup group : List.of(vertx.acceptorEventLoopGroup(), vertx.nettyEventLoopGroup())) {
            for (EventExecutor loop : group) {
                loop.scheduleAtFixedRate(IdleLoops::nothing, PERIOD_MINUTES, PERIOD_MINUTES, TimeUnit.MINUTES);
            }
        }
    }

    private static void nothing() {
    }
}
