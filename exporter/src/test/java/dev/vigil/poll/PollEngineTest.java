package dev.vigil.poll;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import dev.vigil.trace.Tracing;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the engine publishes for a source whose poll fails, and for one whose poll outlives its timeout. */
class PollEngineTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    /** A source that fails or succeeds as told, and says "thing_up 0" while down. */
    private static class Switchable implements Source {
        final AtomicBoolean failing = new AtomicBoolean(true);
        final AtomicBoolean hanging = new AtomicBoolean(false);
        final java.util.concurrent.atomic.AtomicInteger polls = new java.util.concurrent.atomic.AtomicInteger();
        /** Each poll succeeds this long after it starts (a timer of the context it was called on). */
        final java.util.concurrent.atomic.AtomicLong takesMs = new java.util.concurrent.atomic.AtomicLong();

        @Override
        public String name() {
            return "test/one";
        }

        @Override
        public String kind() {
            return "test";
        }

        @Override
        public Duration interval() {
            return Duration.ofMillis(50);
        }

        @Override
        public Duration timeout() {
            return Duration.ofMillis(200);
        }

        @Override
        public Future<PollResult> poll() {
            polls.incrementAndGet();
            if (hanging.get()) {
                return Future.future(p -> { });
            }
            if (takesMs.get() > 0) {
                Vertx vertx = Vertx.currentContext().owner();
                return Future.future(p -> vertx.setTimer(takesMs.get(), id -> p.complete(new PollResult(List.of(up(1)), "slow"))));
            }
            return failing.get()
                    ? Future.failedFuture(new PollException(PollErrorReason.CONNECTION, "refused", null))
                    : Future.succeededFuture(new PollResult(List.of(up(1), gauge("thing_items", 7)), "ok"));
        }

        @Override
        public List<MetricSnapshot> familiesWhenDown() {
            return List.of(up(0));
        }

        @Override
        public Future<Void> close() {
            return Future.succeededFuture();
        }

        private static MetricSnapshot up(double value) {
            return gauge("thing_up", value);
        }

        private static MetricSnapshot gauge(String name, double value) {
            return FamilyBuilder.gauge(name, "test", "server").add(value, "one").build();
        }
    }

    @Test
    void aFailedPollShowsOnlyWhatTheSourceSaysWhileDownThenItsUsualFamiliesAgain() {
        Switchable source = new Switchable();
        PollEngine engine = new PollEngine(vertx, List.of(source), new SimpleMeterRegistry(), Tracing.off(), new Random(1));
        SourceCollector collector = new SourceCollector(engine, "test");
        vertx.runOnContext(v -> engine.start());

        await(() -> engine.sources().get(0).state().polledOnce());
        assertThat(engine.sources().get(0).state().up()).isFalse();
        assertThat(values(collector.collect())).containsExactlyInAnyOrder("vigil_build", "vigil_source_poll_duration_seconds", "vigil_source_up=0.0", "vigil_source_last_success_timestamp_seconds=0.0", "thing_up=0.0");

        source.failing.set(false);
        await(() -> engine.sources().get(0).state().up());
        assertThat(values(collector.collect())).containsExactlyInAnyOrder("vigil_build", "vigil_source_poll_duration_seconds", "vigil_source_up=1.0", "vigil_source_last_success_timestamp_seconds>0", "thing_up=1.0", "thing_items=7.0");

        source.hanging.set(true);
        await(() -> !engine.sources().get(0).state().up());
        assertThat(values(collector.collect())).containsExactlyInAnyOrder("vigil_build", "vigil_source_poll_duration_seconds", "vigil_source_up=0.0", "vigil_source_last_success_timestamp_seconds>0", "thing_up=0.0");
    }

    @Test
    void aSourceThatSaysNothingWhileDownDisappearsWhole() {
        Source silent = new Switchable() {
            @Override
            public List<MetricSnapshot> familiesWhenDown() {
                return List.of();
            }
        };
        PollEngine engine = new PollEngine(vertx, List.of(silent), new SimpleMeterRegistry(), Tracing.off(), new Random(1));
        vertx.runOnContext(v -> engine.start());
        await(() -> engine.sources().get(0).state().polledOnce());
        assertThat(values(new SourceCollector(engine, "test").collect())).containsExactlyInAnyOrder("vigil_build", "vigil_source_poll_duration_seconds",
                "vigil_source_up=0.0", "vigil_source_last_success_timestamp_seconds=0.0");
        assertThat(engine.sources().get(0).state().result()).isEmpty();
    }

    @Test
    void aPollWhoseFutureNeverSettlesTimesOutAndPollingGoesOn() {
        Switchable source = new Switchable();
        source.failing.set(false);
        source.hanging.set(true);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PollEngine engine = new PollEngine(vertx, List.of(source), registry, Tracing.off(), new Random(1));
        vertx.runOnContext(v -> engine.start());
        // Timeout 200 ms, then as long again before the lost poll is abandoned: a new poll every ~450 ms.
        await(() -> source.polls.get() >= 3);
        assertThat(engine.sources().get(0).state().up()).isFalse();
        assertThat(registry.get("vigil.source.poll.errors").tag("reason", "timeout").counter().count()).isGreaterThanOrEqualTo(2.0);

        source.hanging.set(false);
        await(() -> engine.sources().get(0).state().up());
    }

    @Test
    void theFirstPollMayTakeTwiceTheTimeoutAndLaterPollsTheirTimeout() {
        Switchable source = new Switchable();
        source.failing.set(false);
        source.takesMs.set(300); // past the 200 ms timeout, within twice it
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PollEngine engine = new PollEngine(vertx, List.of(source), registry, Tracing.off(), new Random(1));
        vertx.runOnContext(v -> engine.start());
        await(() -> engine.sources().get(0).state().polledOnce());
        assertThat(engine.sources().get(0).state().up()).isTrue();
        assertThat(registry.get("vigil.source.poll.errors").tag("reason", "timeout").counter().count()).isEqualTo(0.0);

        await(() -> registry.get("vigil.source.poll.errors").tag("reason", "timeout").counter().count() >= 1.0);
        assertThat(source.polls.get()).isGreaterThanOrEqualTo(2);
        assertThat(engine.sources().get(0).state().up()).isFalse();
    }

    /**
     * Each family as its name, plus "=value" for gauges with one point; the last success's time as ">0" once
     * there was one. vigil_source_up comes with the families of the same state, so a check sees both or neither.
     */
    private static List<String> values(MetricSnapshots snapshots) {
        return snapshots.stream().map(s -> {
            String name = s.getMetadata().getName();
            if (!(s instanceof GaugeSnapshot g) || g.getDataPoints().size() != 1) {
                return name;
            }
            double value = g.getDataPoints().get(0).getValue();
            return name.equals("vigil_source_last_success_timestamp_seconds") && value > 0 ? name + ">0" : name + "=" + value;
        }).toList();
    }

    private static void await(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
