package dev.vigil.poll;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What one successful poll produced: its metric families, a short human detail for the status page (e.g.
 * "12 queues") and the number of things read, for the poll's span. The detail and count are fixed when the poll
 * ends; the families are either ready then, or built the first time a scrape asks for them ({@link #later}), on
 * the source's own context. Either way every caller gets the same list, so the scrape can read it from any thread.
 */
public final class PollResult {
    private static final Logger LOG = Logger.getLogger(PollResult.class.getName());

    private final String detail;
    private final long items;
    private final Context buildOn;
    private volatile Supplier<List<MetricSnapshot>> build;
    private final AtomicReference<Future<List<MetricSnapshot>>> families = new AtomicReference<>();

    public PollResult(List<MetricSnapshot> families, String detail, long items) {
        this(null, null, detail, items);
        this.families.set(Future.succeededFuture(List.copyOf(families)));
    }

    /** A result whose number of items (queues, databases, caches) is not reported on the poll span. */
    public PollResult(List<MetricSnapshot> families, String detail) {
        this(families, detail, -1);
    }

    private PollResult(Context buildOn, Supplier<List<MetricSnapshot>> build, String detail, long items) {
        this.buildOn = buildOn;
        this.build = build;
        this.detail = detail;
        this.items = items;
    }

    /**
     * A result whose families are built when first asked for, by {@code build} on {@code buildOn} (the context the
     * source polls on, where its state may be read): a source polled every second and scraped every 15 s or more
     * built fourteen sets of families out of fifteen for nobody. {@code build} must read only what the poll left
     * for it and what no later poll changes under it (see QueueWatch).
     */
    public static PollResult later(Context buildOn, Supplier<List<MetricSnapshot>> build, String detail, long items) {
        return new PollResult(buildOn, build, detail, items);
    }

    /** This result with its families passed through {@code more} when they are built (or now, when they are ready). */
    public PollResult withFamilies(UnaryOperator<List<MetricSnapshot>> more) {
        Future<List<MetricSnapshot>> ready = families.get();
        if (ready != null && ready.succeeded()) {
            return new PollResult(more.apply(ready.result()), detail, items);
        }
        Supplier<List<MetricSnapshot>> first = build;
        return new PollResult(buildOn, () -> more.apply(first.get()), detail, items);
    }

    public String detail() {
        return detail;
    }

    public long items() {
        return items;
    }

    /**
     * The families: at once when ready, else built once on the source's context, whoever asks first. A build that
     * throws is logged and gives no families (the scrape goes on with the other sources'), as a bug in a snapshot
     * should not fail every scrape until the next poll.
     */
    public Future<List<MetricSnapshot>> families() {
        Future<List<MetricSnapshot>> known = families.get();
        if (known != null) {
            return known;
        }
        Promise<List<MetricSnapshot>> promise = Promise.promise();
        if (!families.compareAndSet(null, promise.future())) {
            return families.get();
        }
        buildOn.runOnContext(v -> {
            List<MetricSnapshot> built;
            try {
                built = List.copyOf(build.get());
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "building the families of a poll (" + detail + ") failed", e);
                built = List.of();
            }
            build = null; // what it held (the poll's states) is no longer needed
            promise.complete(built);
        });
        return promise.future();
    }
}
