package dev.vigil.bullmq;

import dev.vigil.config.ShardConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * {@code vigil_shards}: how many shards the replicas split the queues into, labelled with this replica's
 * shard. It does not depend on any poll, so it vanishes only with the replica itself: Prometheus counting
 * fewer distinct {@code shard} values than the value says means a replica, and its queues, are missing.
 */
public final class ShardGauge implements MeterBinder {
    private final ShardConfig shard;

    public ShardGauge(ShardConfig shard) {
        this.shard = shard;
    }

    /** Registers nothing when not sharded: one Vigil has no shard to miss. */
    @Override
    public void bindTo(MeterRegistry registry) {
        if (shard.sharded()) {
            Gauge.builder("vigil.shards", shard::count)
                    .description("Shards the replicas split the BullMQ queues into (bullmq shard: I/N), N; labelled with "
                            + "this replica's shard I. Fewer distinct shard values than N in Prometheus: a replica is missing")
                    .tag("shard", Integer.toString(shard.index()))
                    .register(registry);
        }
    }
}
