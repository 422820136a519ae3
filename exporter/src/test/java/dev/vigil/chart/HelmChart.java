package dev.vigil.chart;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import dev.vigil.support.ExternalTool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/**
 * A chart rendered by Helm itself: helm-java carries Helm (v3) as a native library, so {@code helm lint} and
 * {@code helm template} run here as they would on a developer's machine, and the output is parsed into the
 * Kubernetes objects a cluster would receive.
 */
final class HelmChart {
    static final String RELEASE = "orders";
    static final String NAMESPACE = "shop";

    private static Boolean available;

    private final Path dir;

    private HelmChart(Path dir) {
        this.dir = dir;
    }

    /** charts/vigil of this repository. */
    static HelmChart vigil() {
        return at(ExternalTool.repoRoot().resolve("charts/vigil"));
    }

    static HelmChart at(Path dir) {
        requireHelm();
        return new HelmChart(dir);
    }

    Path dir() {
        return dir;
    }

    /** Fails in CI, skips loudly elsewhere, when helm-java has no native Helm for this platform. */
    static synchronized void requireHelm() {
        if (available == null) {
            try {
                available = Helm.version().call().startsWith("v3.");
            } catch (RuntimeException | LinkageError e) {
                System.err.println("helm-java could not load Helm: " + e);
                available = false;
            }
        }
        ExternalTool.require(available, "Helm 3 (helm-java's native library)",
                "helm-java ships it for linux/darwin amd64/arm64 and windows amd64; see the exporter's test dependencies");
    }

    LintResult lint() {
        return new Helm(dir).lint().strict().call();
    }

    /** {@code helm template orders <chart> --namespace shop -f <values>...}, parsed. */
    Rendered template(String... valuesYaml) {
        TemplateCommand command = new Helm(dir).template().withName(RELEASE).withNamespace(NAMESPACE);
        for (String yaml : valuesYaml) {
            command = command.withValuesFile(valuesFile(yaml));
        }
        String out = command.call();
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(out)) {
            if (doc != null) {
                objects.add(Tree.map(doc));
            }
        }
        return new Rendered(out, objects);
    }

    /** The message Helm fails with for these values; fails the test when Helm renders them. */
    String templateError(String... valuesYaml) {
        try {
            template(valuesYaml);
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
        throw new AssertionError("helm template succeeded, expected it to fail for " + List.of(valuesYaml));
    }

    static Path valuesFile(String yaml) {
        try {
            Path file = Files.createTempFile("vigil-chart-values", ".yaml");
            file.toFile().deleteOnExit();
            return Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A values file of the chart, e.g. {@code ci/secrets-values.yaml}, as text. */
    String file(String relative) {
        try {
            return Files.readString(dir.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
