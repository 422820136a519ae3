package dev.vigil;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The JVM's and the process' families ({@code jvm_*}, {@code process_*}, {@code system_*}), read at most once per
 * {@link #SAMPLE_EVERY} and the same snapshot in between, so /metrics serves them as cached bytes like the sources'
 * families. Reading them costs more than serving everything else: thread states come from a dump of every thread,
 * the CPU gauges read the cgroup files, resident memory reads /proc. At eight concurrent scrapers that was half of
 * Vigil's CPU. Vigil's own meters (poll durations, errors, refused requests) stay live, in their own registry.
 */
final class RuntimeMeters implements MultiCollector {
    static final Duration SAMPLE_EVERY = Duration.ofSeconds(1);

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, registry,
            io.micrometer.core.instrument.Clock.SYSTEM);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final AtomicReference<Sample> last = new AtomicReference<>();

    private record Sample(MetricSnapshots snapshots, long takenNanos) {
    }

    RuntimeMeters() {
        // Micrometer's process_cpu_time_ns_total (an abbreviated unit) and system_cpu_count (a gauge named like a
        // histogram's count) fail promtool's lint; ProcessMetrics exports the standard process_cpu_seconds_total.
        // A filter applies to meters registered after it, so it comes before any binder.
        meters.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time") || id.getName().equals("system.cpu.count")));
        new JvmMemoryMetrics().bindTo(meters);
        gc.bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ClassLoaderMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new UptimeMetrics().bindTo(meters);
        new ProcessMetrics().bindTo(meters);
    }

    @Override
    public MetricSnapshots collect() {
        long now = System.nanoTime();
        Sample seen = last.get();
        if (seen != null && now - seen.takenNanos < SAMPLE_EVERY.toNanos()) {
            return seen.snapshots;
        }
        // Two scrapes that both find the sample old both read; the later one is kept. Rare, and harmless.
        Sample fresh = new Sample(registry.scrape(), now);
        last.set(fresh);
        return fresh.snapshots;
    }

    void close() {
        gc.close();
        meters.close();
    }
}
