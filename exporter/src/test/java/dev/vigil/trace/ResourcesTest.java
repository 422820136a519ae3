package dev.vigil.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.resources.Resource;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourcesTest {

    @Test
    void insideKubernetesTheDownwardApiVariablesBecomeK8sAttributes() {
        Resource r = Resources.vigil("1.2.3", Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1", "POD_NAME", "api-7d9f-x2",
                "POD_NAMESPACE", "prod", "NODE_NAME", "node-3", "CONTAINER_NAME", "vigil"));
        assertThat(r.getAttribute(AttributeKey.stringKey("service.name"))).isEqualTo("vigil");
        assertThat(r.getAttribute(AttributeKey.stringKey("service.version"))).isEqualTo("1.2.3");
        assertThat(r.getAttribute(AttributeKey.stringKey("k8s.pod.name"))).isEqualTo("api-7d9f-x2");
        assertThat(r.getAttribute(AttributeKey.stringKey("k8s.namespace.name"))).isEqualTo("prod");
        assertThat(r.getAttribute(AttributeKey.stringKey("k8s.node.name"))).isEqualTo("node-3");
        assertThat(r.getAttribute(AttributeKey.stringKey("k8s.container.name"))).isEqualTo("vigil");
        assertThat(r.getAttribute(AttributeKey.stringKey("host.name"))).isNotBlank();
    }

    @Test
    void thePodNameFallsBackToHostnameAndNothingK8sOutsideKubernetes() {
        Resource inside = Resources.vigil("1", Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1", "HOSTNAME", "api-abc"));
        assertThat(inside.getAttribute(AttributeKey.stringKey("k8s.pod.name"))).isEqualTo("api-abc");
        assertThat(inside.getAttribute(AttributeKey.stringKey("k8s.node.name"))).isNull();

        Resource outside = Resources.vigil("1", Map.of("HOSTNAME", "laptop", "POD_NAME", "ignored"));
        assertThat(outside.getAttributes().asMap().keySet()).extracting(AttributeKey::getKey)
                .containsExactlyInAnyOrder("service.name", "service.version", "host.name");
    }
}
