package dev.vigil.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.MetricReference;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The metric reference, docs/metrics.md, documents each family once (DashboardsLiveIT checks it against a live run). */
class MetricReferenceTest {
    private final MetricReference reference = MetricReference.load();

    @Test
    void everyFamilyHasExactlyOneRow() {
        Set<String> seen = new HashSet<>();
        List<String> twice = reference.allNames().stream().filter(name -> !seen.add(name)).toList();
        assertThat(reference.allNames()).hasSizeGreaterThan(80);
        assertThat(twice).as("families with more than one row in docs/metrics.md").isEmpty();
    }
}
