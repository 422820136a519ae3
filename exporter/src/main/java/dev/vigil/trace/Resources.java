package dev.vigil.trace;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The resource Vigil's spans carry: service name and version, host, and, inside Kubernetes, the pod,
 * namespace and node from the usual downward-API variables. OTEL_RESOURCE_ATTRIBUTES still wins.
 */
final class Resources {
    private static final Path NAMESPACE_FILE = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

    private Resources() {
    }

    static Resource vigil(String version, Map<String, String> env) {
        AttributesBuilder a = Attributes.builder()
                .put("service.name", "vigil")
                .put("service.version", version)
                .put("host.name", hostName(env));
        if (env.containsKey("KUBERNETES_SERVICE_HOST")) {
            putIfSet(a, "k8s.pod.name", env.getOrDefault("POD_NAME", env.get("HOSTNAME")));
            putIfSet(a, "k8s.namespace.name", env.getOrDefault("POD_NAMESPACE", namespaceFromServiceAccount()));
            putIfSet(a, "k8s.node.name", env.get("NODE_NAME"));
            putIfSet(a, "k8s.container.name", env.get("CONTAINER_NAME"));
        }
        return Resource.create(a.build());
    }

    private static void putIfSet(AttributesBuilder a, String key, String value) {
        if (value != null && !value.isBlank()) {
            a.put(key, value);
        }
    }

    private static String hostName(Map<String, String> env) {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return env.getOrDefault("HOSTNAME", "unknown");
        }
    }

    private static String namespaceFromServiceAccount() {
        try {
            return Files.isReadable(NAMESPACE_FILE) ? Files.readString(NAMESPACE_FILE).trim() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
