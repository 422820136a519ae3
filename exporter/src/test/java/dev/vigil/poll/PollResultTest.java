package dev.vigil.poll;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A result whose families are built when first asked for: not before, once however many ask at the same time,
 * on the source's context, with what the source adds after the poll; a build that throws gives no families.
 */
class PollResultTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close().await();
    }

    @Test
    void familiesAreBuiltOnceOnTheSourcesContextWhenFirstAskedFor() throws Exception {
        Context source = vertx.getOrCreateContext();
        AtomicInteger builds = new AtomicInteger();
        List<Thread> builtOn = new CopyOnWriteArrayList<>();
        List<Thread> sourceThread = new CopyOnWriteArrayList<>();
        source.runOnContext(v -> sourceThread.add(Thread.currentThread()));
        PollResult result = PollResult.later(source, () -> {
            builds.incrementAndGet();
            builtOn.add(Thread.currentThread());
            return List.of(gauge("thing_items", 7));
        }, "7 things", 7).withFamilies(f -> {
            List<MetricSnapshot> more = new ArrayList<>(f);
            more.add(gauge("thing_found", 9));
            return more;
        });
        Thread.sleep(100);
        assertThat(builds).as("built before anyone asked").hasValue(0);
        assertThat(result.detail()).isEqualTo("7 things");
        assertThat(result.items()).isEqualTo(7);

        List<Future<List<MetricSnapshot>>> asked = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            asked.add(result.families());
        }
        for (Future<List<MetricSnapshot>> f : asked) {
            List<MetricSnapshot> families = f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(families).extracting(m -> m.getMetadata().getName()).containsExactly("thing_items", "thing_found");
            assertThat(families).isSameAs(asked.get(0).result());
        }
        assertThat(builds).hasValue(1);
        assertThat(builtOn).containsExactlyElementsOf(sourceThread);
    }

    @Test
    void aBuildThatThrowsGivesNoFamilies() throws Exception {
        PollResult result = PollResult.later(vertx.getOrCreateContext(), () -> {
            throw new IllegalStateException("a bug in a snapshot");
        }, "broken", 1);
        assertThat(result.families().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void readyFamiliesNeedNoContext() throws Exception {
        PollResult result = new PollResult(List.of(gauge("thing_items", 1)), "ok").withFamilies(f -> List.of(f.get(0), gauge("thing_found", 2)));
        assertThat(result.families().isComplete()).isTrue();
        assertThat(result.families().result()).extracting(m -> m.getMetadata().getName()).containsExactly("thing_items", "thing_found");
    }

    private static MetricSnapshot gauge(String name, double value) {
        return FamilyBuilder.gauge(name, "test").add(value).build();
    }
}
