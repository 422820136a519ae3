package dev.vigil.redis;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Lettuce's timer (command and batch timeouts, reconnect back-off) as tasks scheduled on an event loop. A
 * hashed-wheel timer has a thread of its own that wakes at every tick whether anything is due or not: at a
 * 250 ms tick, 0.5-1.2 ms of CPU a second on an idle Vigil, a quarter of what the whole process then uses. An
 * event loop wakes only when a task is due, and a poll's batch timeout is set and cancelled on the loop that
 * writes and reads the batch. Tasks run on the loop, so they must not block (they complete futures).
 */
public final class LoopTimer implements Timer {
    private static final Logger LOG = Logger.getLogger(LoopTimer.class.getName());
    private final EventExecutor loop;
    private final Set<Task> pending = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;

    public LoopTimer(EventExecutor loop) {
        this.loop = loop;
    }

    @Override
    public Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
        if (stopped) {
            throw new IllegalStateException("timer stopped");
        }
        Task t = new Task(task);
        pending.add(t);
        try {
            t.future = loop.schedule(t::run, delay, unit);
        } catch (RuntimeException e) {
            pending.remove(t); // the loop is shutting down
            throw e;
        }
        return t;
    }

    /** Cancels what is pending and refuses new tasks; the loop itself belongs to Vert.x and goes on. */
    @Override
    public Set<Timeout> stop() {
        stopped = true;
        Set<Timeout> cancelled = new HashSet<>();
        for (Task t : pending) {
            if (t.cancel()) {
                cancelled.add(t);
            }
        }
        return cancelled;
    }

    private final class Task implements Timeout {
        private final TimerTask task;
        private volatile ScheduledFuture<?> future;
        private volatile boolean expired;

        Task(TimerTask task) {
            this.task = task;
        }

        void run() {
            pending.remove(this);
            expired = true;
            try {
                task.run(this);
            } catch (Exception e) {
                // As a wheel timer does: one task's failure is not the loop's.
                LOG.warning("timer task failed: " + e);
            }
        }

        @Override
        public Timer timer() {
            return LoopTimer.this;
        }

        @Override
        public TimerTask task() {
            return task;
        }

        @Override
        public boolean isExpired() {
            return expired;
        }

        @Override
        public boolean isCancelled() {
            ScheduledFuture<?> f = future;
            return f != null && f.isCancelled();
        }

        @Override
        public boolean cancel() {
            pending.remove(this);
            ScheduledFuture<?> f = future;
            return f != null && f.cancel(false);
        }
    }
}
