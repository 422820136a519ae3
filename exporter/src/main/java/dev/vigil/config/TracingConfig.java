package dev.vigil.config;

import java.util.Map;
import java.util.Optional;

/**
 * Tracing of Vigil's own work over OTLP. Off unless this section is present or the standard
 * {@code OTEL_EXPORTER_OTLP_*ENDPOINT} variable is set; the {@code OTEL_*} variables override these keys.
 *
 * @param jobSampleRatio share of finished BullMQ jobs turned into spans (0 = job traces off)
 */
public record TracingConfig(
        boolean enabled,
        Optional<String> endpoint,
        Optional<String> protocol,
        double sampleRatio,
        Map<String, Secret> headers,
        double jobSampleRatio) {

    public static final TracingConfig OFF = new TracingConfig(false, Optional.empty(), Optional.empty(), 1.0, Map.of(), 0);

    public TracingConfig {
        headers = Map.copyOf(headers);
    }

    static TracingConfig read(YamlSection section) throws ConfigException {
        boolean enabled = section.bool("enabled", true);
        Optional<String> endpoint = section.string("endpoint");
        Optional<String> protocol = section.string("protocol");
        if (protocol.isPresent() && !protocol.get().equals("grpc") && !protocol.get().equals("http/protobuf")) {
            throw section.error("protocol", "must be grpc or http/protobuf, got '" + protocol.get() + "'");
        }
        double ratio = ratio(section, "sample_ratio", 1.0);
        Map<String, Secret> headers = new java.util.LinkedHashMap<>();
        Optional<YamlSection> h = section.section("headers");
        if (h.isPresent()) {
            for (String key : h.get().keys()) {
                // A secret header is written <name>_file; the header sent is <name>, with the file's content.
                String name = key.endsWith("_file") ? key.substring(0, key.length() - "_file".length()) : key;
                if (!headers.containsKey(name)) {
                    headers.put(name, h.get().secret(name).orElseThrow(() -> h.get().error(key, "needs a value")));
                }
            }
            h.get().finish();
        }
        double jobRatio = 0;
        Optional<YamlSection> jobs = section.section("job_traces");
        if (jobs.isPresent()) {
            jobRatio = jobs.get().bool("enabled", true) ? ratio(jobs.get(), "sample_ratio", 0.01) : 0;
            jobs.get().finish();
        }
        section.finish();
        return new TracingConfig(enabled, endpoint, protocol, ratio, headers, jobRatio);
    }

    private static double ratio(YamlSection section, String key, double defaultValue) throws ConfigException {
        Optional<String> text = section.string(key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        try {
            double r = Double.parseDouble(text.get());
            if (!(r >= 0 && r <= 1)) {
                throw section.error(key, "must be between 0 and 1, got " + text.get());
            }
            return r;
        } catch (NumberFormatException e) {
            throw section.error(key, "expected a number between 0 and 1, got '" + text.get() + "'");
        }
    }
}
