package dev.vigil.poll;

import dev.vigil.config.Redaction;
import dev.vigil.trace.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.distribution.TimeWindowMax;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Polls each source on its own interval, with a timeout and a little jitter, never two polls of the same
 * source at once, and publishes each outcome as a whole new {@link SourceState}.
 */
public final class PollEngine {
    private static final Logger LOG = Logger.getLogger(PollEngine.class.getName());
    /** Jitter spreads sources that share an interval, so they do not hit Redis in the same millisecond. */
    private static final Duration MAX_JITTER = Duration.ofSeconds(1);
    /** How many timeouts a source's first poll may take (see {@code timeoutMillis}). */
    private static final int FIRST_POLL_TIMEOUTS = 2;
    static final double[] POLL_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
    /** The window of the {@code _max} gauge: the longest poll of the last one to three minutes, as Micrometer's timers keep it. */
    private static final long MAX_WINDOW_MS = Duration.ofMinutes(1).toMillis();
    private static final int MAX_WINDOW_BUFFERS = 3;

    private final Vertx vertx;
    private final Tracing tracing;
    private final Random random;
    private final List<Scheduled> scheduled = new ArrayList<>();
    private volatile boolean stopped;

    public PollEngine(Vertx vertx, List<Source> sources, MeterRegistry registry, Tracing tracing, Random random) {
        this.vertx = vertx;
        this.tracing = tracing;
        this.random = random;
        for (Source source : sources) {
            scheduled.add(new Scheduled(source, registry));
        }
    }

    /**
     * Starts polling; call on the context that should run the polls (the exporter verticle's). The first
     * polls run at once, since /readyz waits for them; the jitter spreads the polls after those.
     */
    public void start() {
        for (Scheduled s : scheduled) {
            s.timerId = vertx.setTimer(1, id -> s.runOnce());
        }
    }

    /** Stops scheduling and closes every source. */
    public Future<Void> stop() {
        stopped = true;
        List<Future<Void>> closing = new ArrayList<>();
        for (Scheduled s : scheduled) {
            vertx.cancelTimer(s.timerId);
            closing.add(s.source.close());
        }
        return Future.join(closing).mapEmpty();
    }

    public List<SourceView> sources() {
        return scheduled.stream().map(s -> new SourceView(s.source.name(), s.source.kind(), s.source.interval(), s.state)).toList();
    }

    /** A source with its latest state, for the collector and the status page. */
    public record SourceView(String name, String kind, Duration interval, SourceState state) {
    }

    private long jitter(Duration interval) {
        long bound = Math.min(interval.toMillis() / 10, MAX_JITTER.toMillis());
        return bound <= 0 ? 0 : (long) (random.nextDouble() * bound);
    }

    private final class Scheduled {
        private final Source source;
        /** Poll durations, published in each new state (a histogram with native buckets, which Micrometer has not). */
        private final Histogram duration = new Histogram(POLL_BUCKETS);
        private final TimeWindowMax longest = new TimeWindowMax(io.micrometer.core.instrument.Clock.SYSTEM, MAX_WINDOW_MS, MAX_WINDOW_BUFFERS);
        private final Map<PollErrorReason, Counter> errors = new EnumMap<>(PollErrorReason.class);
        private volatile SourceState state = SourceState.initial();
        private long timerId;
        /** True while polls are being abandoned in a row, so that is logged once, not once per poll. */
        private boolean abandoned;

        Scheduled(Source source, MeterRegistry registry) {
            this.source = source;
            String name = source.name();
            // vigil_source_up and vigil_source_last_success_timestamp_seconds come with the source's families (SourceCollector).
            // Exported so an alert can say "no successful poll for 3 intervals" without knowing the config.
            Gauge.builder("vigil.source.poll.interval", source, s -> s.interval().toMillis() / 1000.0)
                    .description("Configured time between polls of the source")
                    .baseUnit("seconds").tag("source", name).register(registry);
            Gauge.builder("vigil.source.poll.duration.seconds.max", longest, m -> m.poll(TimeUnit.SECONDS))
                    .description("The longest poll of the source in the last few minutes")
                    .tag("source", name).register(registry);
            for (PollErrorReason reason : PollErrorReason.values()) {
                errors.put(reason, Counter.builder("vigil.source.poll.errors")
                        .description("Failed polls of the source, by reason")
                        .tags("source", name, "reason", reason.label()).register(registry));
            }
        }

        void runOnce() {
            if (stopped) {
                return;
            }
            long start = System.nanoTime();
            AtomicBoolean settled = new AtomicBoolean();
            Span span = tracing.startPoll(source.kind(), source.name());
            Future<PollResult> poll;
            // Current while poll() runs, so the source can hang its own spans (pipelines, queries) under it.
            try (Scope ignored = span.makeCurrent()) {
                poll = source.poll();
            } catch (RuntimeException e) {
                poll = Future.failedFuture(e);
            }
            // Set by whichever comes first, the poll's own end or its abandonment: the next poll is scheduled once.
            AtomicBoolean finished = new AtomicBoolean();
            long timeoutMs = timeoutMillis(state.polledOnce());
            long timeoutId = vertx.setTimer(timeoutMs, id -> {
                if (settled.compareAndSet(false, true)) {
                    String message = "poll took longer than its timeout of " + timeoutMs + " ms";
                    Tracing.failed(span, new PollException(PollErrorReason.TIMEOUT, message, null));
                    fail(PollErrorReason.TIMEOUT, message, start, span);
                    vertx.setTimer(timeoutMs, grace -> abandon(finished, span, start));
                }
            });
            poll.onComplete(ar -> {
                vertx.cancelTimer(timeoutId);
                if (settled.compareAndSet(false, true)) {
                    if (ar.succeeded()) {
                        succeed(ar.result(), start, span);
                    } else {
                        PollErrorReason reason = ar.cause() instanceof PollException p ? p.reason() : PollErrorReason.INTERNAL;
                        if (reason == PollErrorReason.INTERNAL) {
                            LOG.log(Level.SEVERE, "source " + source.name() + ": unexpected error in poll", ar.cause());
                        }
                        Tracing.failed(span, ar.cause());
                        fail(reason, String.valueOf(ar.cause().getMessage()), start, span);
                    }
                }
                if (finished.compareAndSet(false, true)) {
                    abandoned = false;
                    span.end();
                    // Normally the next poll waits for this one to really finish, even after a timeout.
                    scheduleNext(start);
                }
            });
        }

        /**
         * A source's first poll runs on a cold JVM: classes loading, code interpreted, its connection opening. At
         * 1,000 queues it took 1.1-1.4 s on a 2-core machine whose later polls take a few milliseconds, so with a
         * 1 s interval every start reported a healthy source down, and counted a timeout, before its second poll.
         * The first poll gets twice the timeout: enough for that, and a source that hangs is still reported soon.
         */
        private long timeoutMillis(boolean polledOnce) {
            long configured = source.timeout().toMillis();
            return polledOnce ? configured : configured * FIRST_POLL_TIMEOUTS;
        }

        /**
         * A poll still unsettled a second timeout after its first has lost its future (a dropped callback),
         * since every source's own I/O gives up within its timeout. Waiting for it would stop the source for
         * good; polling again risks at worst one late poll overlapping the next, whose result is ignored.
         */
        private void abandon(AtomicBoolean finished, Span span, long start) {
            if (!finished.compareAndSet(false, true)) {
                return;
            }
            if (!abandoned) {
                LOG.warning("source " + source.name() + ": a poll has not finished twice its timeout after it started; polling again without it");
            }
            abandoned = true;
            span.end();
            scheduleNext(start);
        }

        private void succeed(PollResult result, long start, Span span) {
            span.setAttribute(Tracing.POLL_OUTCOME, "ok");
            if (result.items() >= 0) {
                span.setAttribute(Tracing.POLL_ITEMS, result.items());
            }
            double seconds = record(start, span);
            SourceState before = state;
            state = state.succeeded(result, Instant.now(), seconds, duration.snapshot());
            if (!before.polledOnce()) {
                LOG.info("source " + source.name() + " is up: " + result.detail());
            } else if (!before.up()) {
                LOG.info("source " + source.name() + " is up again: " + result.detail());
            }
        }

        private void fail(PollErrorReason reason, String message, long start, Span span) {
            span.setAttribute(Tracing.POLL_OUTCOME, reason.label());
            double seconds = record(start, span);
            errors.get(reason).increment();
            String error = Redaction.redact(message);
            SourceState before = state;
            state = state.failed(error, Instant.now(), seconds, duration.snapshot(), source.familiesWhenDown());
            if (before.up() || !before.polledOnce()) {
                LOG.warning("source " + source.name() + " is down (" + reason.label() + "): " + error);
            }
        }

        /** A sampled poll span becomes the bucket's exemplar. */
        private double record(long start, Span span) {
            long nanos = System.nanoTime() - start;
            SpanContext trace = span.getSpanContext();
            boolean sampled = trace.isValid() && trace.isSampled();
            duration.observeMicros(nanos / 1000, sampled ? trace.getTraceId() : null, sampled ? trace.getSpanId() : null);
            longest.record(nanos, TimeUnit.NANOSECONDS);
            return nanos / 1e9;
        }

        private void scheduleNext(long start) {
            if (stopped) {
                return;
            }
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            long delay = Math.max(1, source.interval().toMillis() - elapsedMs + jitter(source.interval()));
            timerId = vertx.setTimer(delay, id -> runOnce());
        }
    }
}
