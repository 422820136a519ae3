package dev.vigil;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.UnixOperatingSystemMXBean;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code process_*} families every Prometheus exporter has (CPU seconds, resident memory, open and maximum
 * file descriptors), under the names the usual exporter dashboards and alerts ask for; Micrometer's own binders
 * name them differently ({@code process_cpu_time_ns_total}, {@code process_files_open_files}).
 * {@code process_start_time_seconds} comes from Micrometer's {@code UptimeMetrics}.
 */
final class ProcessMetrics implements MeterBinder {
    private static final Path STATUS = Path.of("/proc/self/status");

    @Override
    public void bindTo(MeterRegistry registry) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9).baseUnit("seconds")
                    .description("CPU time the process used, user and system, from the JVM").register(registry);
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            Gauge.builder("process.open.fds", unix, UnixOperatingSystemMXBean::getOpenFileDescriptorCount)
                    .description("Open file descriptors, from the JVM").register(registry);
            Gauge.builder("process.max.fds", unix, UnixOperatingSystemMXBean::getMaxFileDescriptorCount)
                    .description("The limit of open file descriptors, from the JVM").register(registry);
        }
        if (Files.isReadable(STATUS)) {
            Gauge.builder("process.resident.memory", ProcessMetrics::residentBytes).baseUnit("bytes")
                    .description("Resident memory of the process, VmRSS of /proc/self/status").register(registry);
        }
    }

    /** VmRSS in bytes, NaN when the line cannot be read (the gauge then shows no number rather than a wrong one). */
    private static double residentBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Double.parseDouble(line.replaceAll("[^0-9]", "")) * 1024; // the kernel writes kB
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
