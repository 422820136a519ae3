package dev.vigil.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.DefaultEventLoop;
import io.netty.util.Timeout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoopTimerTest {
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final LoopTimer timer = new LoopTimer(loop);

    @AfterEach
    void stopLoop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void aTaskRunsOnTheLoopOnceItIsDue() throws Exception {
        CompletableFuture<Thread> ranOn = new CompletableFuture<>();
        long start = System.nanoTime();
        Timeout t = timer.newTimeout(x -> ranOn.complete(Thread.currentThread()), 50, TimeUnit.MILLISECONDS);
        assertThat(ranOn.get(5, TimeUnit.SECONDS)).matches(loop::inEventLoop);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(t.isExpired()).isTrue();
        assertThat(t.isCancelled()).isFalse();
        assertThat(t.cancel()).isFalse();
    }

    @Test
    void aCancelledTaskNeverRuns() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Timeout t = timer.newTimeout(x -> runs.incrementAndGet(), 50, TimeUnit.MILLISECONDS);
        assertThat(t.cancel()).isTrue();
        assertThat(t.isCancelled()).isTrue();
        // A later task on the same loop has run, so the cancelled one's time has passed too.
        CompletableFuture<Void> later = new CompletableFuture<>();
        timer.newTimeout(x -> later.complete(null), 100, TimeUnit.MILLISECONDS);
        later.get(5, TimeUnit.SECONDS);
        assertThat(runs).hasValue(0);
        assertThat(t.isExpired()).isFalse();
    }

    @Test
    void stopCancelsWhatIsPendingAndRefusesMore() {
        AtomicInteger runs = new AtomicInteger();
        Timeout pending = timer.newTimeout(x -> runs.incrementAndGet(), 1, TimeUnit.HOURS);
        assertThat(timer.stop()).containsExactly(pending);
        assertThat(pending.isCancelled()).isTrue();
        assertThatThrownBy(() -> timer.newTimeout(x -> runs.incrementAndGet(), 1, TimeUnit.MILLISECONDS))
                .isInstanceOf(IllegalStateException.class);
        assertThat(runs).hasValue(0);
    }

    @Test
    void aFailingTaskLeavesTheLoopRunning() throws Exception {
        timer.newTimeout(x -> {
            throw new IllegalStateException("boom");
        }, 1, TimeUnit.MILLISECONDS);
        CompletableFuture<Void> after = new CompletableFuture<>();
        timer.newTimeout(x -> after.complete(null), 20, TimeUnit.MILLISECONDS);
        after.get(5, TimeUnit.SECONDS);
        assertThat(loop.isShuttingDown()).isFalse();
    }
}
