package dev.vigil.http;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * A part of /metrics whose collector returns the same {@link MetricSnapshots} instance until something changed
 * (the sources' last polls, the LLM ledger). Each format and encoding is rendered the first time a scrape asks
 * for it after a change, on a worker thread, and then served as bytes: scrapes that arrive during the rendering
 * wait for that one rendering instead of making their own.
 */
final class CachedPart {
    private final Supplier<Future<MetricSnapshots>> collector;
    private final AtomicReference<Renditions> current = new AtomicReference<>();

    /** The sources' part: their families may still have to be built (SourceCollector#collectAsync). */
    CachedPart(Supplier<Future<MetricSnapshots>> collector) {
        this.collector = collector;
    }

    CachedPart(MultiCollector collector) {
        this(() -> Future.succeededFuture(collector.collect()));
    }

    /** This part's body as of now in the format asked for; never the OpenMetrics end. */
    Future<Buffer> plain(Vertx vertx, Exposition format) {
        return renditions(vertx).compose(r -> r.plain(vertx, format));
    }

    /** The same, compressed as a part of a {@link GzipMember}. */
    Future<GzipMember.Part> gzipped(Vertx vertx, Exposition format) {
        return renditions(vertx).compose(r -> r.gzipped(vertx, format));
    }

    /**
     * Snapshots still being built complete on the context that builds them: the rest (rendering, answering) goes
     * back to the caller's, the HTTP server's event loop.
     */
    private Future<Renditions> renditions(Vertx vertx) {
        Future<MetricSnapshots> collected = collector.get();
        if (!collected.isComplete()) {
            PromiseInternal<MetricSnapshots> here = ((ContextInternal) vertx.getOrCreateContext()).promise();
            collected.onComplete(here);
            collected = here.future();
        }
        return collected.map(this::renditions);
    }

    private Renditions renditions(MetricSnapshots now) {
        Renditions seen = current.get();
        if (seen == null || seen.snapshots != now) {
            Renditions fresh = new Renditions(now);
            seen = current.compareAndSet(seen, fresh) ? fresh : current.get();
        }
        return seen;
    }

    /** The bodies rendered from one snapshot, by format, plain and compressed. */
    private static final class Renditions {
        private final MetricSnapshots snapshots;
        private final AtomicReferenceArray<Future<Buffer>> plain = new AtomicReferenceArray<>(Exposition.values().length);
        private final AtomicReferenceArray<Future<GzipMember.Part>> gzipped = new AtomicReferenceArray<>(Exposition.values().length);

        Renditions(MetricSnapshots snapshots) {
            this.snapshots = snapshots;
        }

        Future<Buffer> plain(Vertx vertx, Exposition format) {
            return once(plain, format, () -> vertx.executeBlocking(() -> Buffer.buffer(format.render(snapshots, false)), false));
        }

        /**
         * Compressed straight from its own rendering, not from the plain body's buffer: at 10,000 queues the text is
         * about 15 MB, and the plain copies a compressed scrape does not need (the buffer, its bytes) ran a 96 MiB
         * heap out of memory.
         */
        Future<GzipMember.Part> gzipped(Vertx vertx, Exposition format) {
            return once(gzipped, format, () -> vertx.executeBlocking(() -> GzipMember.compress(format.render(snapshots, false)), false));
        }

        /** The slot's future, started by the first caller only. */
        private static <T> Future<T> once(AtomicReferenceArray<Future<T>> slots, Exposition format, Supplier<Future<T>> make) {
            int slot = format.ordinal();
            Future<T> made = slots.get(slot);
            if (made != null) {
                return made;
            }
            Promise<T> promise = Promise.promise();
            if (!slots.compareAndSet(slot, null, promise.future())) {
                return slots.get(slot);
            }
            make.get().onComplete(promise);
            return promise.future();
        }
    }
}
