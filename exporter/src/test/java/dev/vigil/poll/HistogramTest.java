package dev.vigil.poll;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.snapshots.NativeHistogramBuckets;
import org.junit.jupiter.api.Test;

class HistogramTest {

    @Test
    void nativeBucketsHoldEachValueBetweenTheirBounds() {
        // Bucket i is (2^((i-1)/8), 2^(i/8)]: powers of two close a bucket, the next double opens the following one.
        assertThat(Histogram.nativeIndex(1.0)).isZero();
        assertThat(Histogram.nativeIndex(Math.nextUp(1.0))).isEqualTo(1);
        assertThat(Histogram.nativeIndex(2.0)).isEqualTo(8);
        assertThat(Histogram.nativeIndex(0.5)).isEqualTo(-8);
        assertThat(Histogram.nativeIndex(Math.nextUp(0.5))).isEqualTo(-7);
        for (long ms = 1; ms <= 100_000; ms += 7) {
            double v = ms / 1000.0;
            int i = Histogram.nativeIndex(v);
            assertThat(v).as("%d ms", ms).isGreaterThan(Math.pow(2, (i - 1) / 8.0)).isLessThanOrEqualTo(Math.pow(2, i / 8.0));
        }
    }

    @Test
    void classicAndNativeCountTheSameObservationsWithAnExactSum() {
        Histogram h = new Histogram(0.1, 1);
        long[] millis = {0, 3, 3, 250, 999, 1000, 4000};
        for (long ms : millis) {
            h.observeMillis(ms);
        }
        h.observeMicros(1, null, null);
        Histogram.Snapshot s = h.snapshot();
        assertThat(s.classic().getCount(0)).isEqualTo(4); // 0, 3, 3 ms and 1 µs
        assertThat(s.classic().getCount(1)).isEqualTo(3);
        assertThat(s.classic().getCount(2)).isEqualTo(1);
        assertThat(s.sum()).isEqualTo(6.255001);
        assertThat(s.zeroCount()).isEqualTo(1);
        NativeHistogramBuckets n = s.nativeBuckets();
        long total = 0;
        for (int i = 0; i < n.size(); i++) {
            total += n.getCount(i);
            assertThat(i == 0 || n.getBucketIndex(i) > n.getBucketIndex(i - 1)).isTrue();
        }
        assertThat(total + s.zeroCount()).isEqualTo(8);
        // 3 ms twice share a bucket; 999 ms and 1 s share bucket 0 (2^(-1/8) = 0.917 to 1]; 4 s is 2^2, closing bucket 16.
        assertThat(n.getBucketIndex(n.size() - 1)).isEqualTo(16);
        assertThat(n.stream().filter(b -> b.getBucketIndex() == 0).findFirst().orElseThrow().getCount()).isEqualTo(2);
        assertThat(n.stream().filter(b -> b.getBucketIndex() == Histogram.nativeIndex(0.003)).findFirst().orElseThrow().getCount()).isEqualTo(2);
    }

    @Test
    void anUnchangedHistogramHandsOutTheSameSnapshot() {
        Histogram h = new Histogram(1);
        h.observeMillis(5);
        Histogram.Snapshot first = h.snapshot();
        assertThat(h.snapshot()).isSameAs(first);
        h.observeMillis(5);
        assertThat(h.snapshot()).isNotSameAs(first);
        assertThat(h.snapshot().sum()).isEqualTo(0.01);
    }
}
