package dev.vigil.http;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A part of /metrics whose collector returns the same {@link MetricSnapshots} instance until something changed
 * (the sources' last polls, the LLM ledger). Each format and encoding is rendered the first time a scrape asks
 * for it after a change, on a worker thread, and then served as bytes: scrapes that arrive during the rendering
 * wait for that one rendering instead of making their own.
 */
final class CachedPart {
    private final MultiCollector collector;
    private final AtomicReference<Renditions> current = new AtomicReference<>();

    CachedPart(MultiCollector collector) {
        this.collector = collector;
    }

    /** This part's body as of now, in the format asked for and gzip-compressed or not; never the OpenMetrics end. */
    Future<Buffer> body(Vertx vertx, Exposition format, boolean gzip) {
        MetricSnapshots now = collector.collect();
        Renditions seen = current.get();
        if (seen == null || seen.snapshots != now) {
            Renditions fresh = new Renditions(now);
            seen = current.compareAndSet(seen, fresh) ? fresh : current.get();
        }
        return seen.body(vertx, format, gzip);
    }

    /** The bodies rendered from one snapshot, by format and encoding. */
    private static final class Renditions {
        private final MetricSnapshots snapshots;
        private final AtomicReferenceArray<Future<Buffer>> bodies = new AtomicReferenceArray<>(Exposition.values().length * 2);

        Renditions(MetricSnapshots snapshots) {
            this.snapshots = snapshots;
        }

        Future<Buffer> body(Vertx vertx, Exposition format, boolean gzip) {
            int slot = format.ordinal() * 2 + (gzip ? 1 : 0);
            Future<Buffer> rendered = bodies.get(slot);
            if (rendered != null) {
                return rendered;
            }
            Promise<Buffer> promise = Promise.promise();
            if (!bodies.compareAndSet(slot, null, promise.future())) {
                return bodies.get(slot);
            }
            Future<Buffer> made = gzip
                    ? body(vertx, format, false).compose(plain -> vertx.executeBlocking(() -> Buffer.buffer(Exposition.gzip(plain.getBytes())), false))
                    : vertx.executeBlocking(() -> Buffer.buffer(format.render(snapshots, false)), false);
            made.onComplete(promise);
            return promise.future();
        }
    }
}
