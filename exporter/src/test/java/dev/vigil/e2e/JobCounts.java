package dev.vigil.e2e;

import dev.vigil.support.Scrape;
import java.util.List;
import java.util.Set;

/** {@code bullmq_job_count} as the end-to-end tests compare it with BullMQ's getJobCounts(). */
final class JobCounts {
    static final List<String> STATES = List.of(
            "waiting", "active", "delayed", "prioritized", "paused", "waiting-children", "completed", "failed");
    /** Reported from the first poll that finds a job in them (JobState): until then an absent series is the library's 0. */
    private static final Set<String> SPARSE = Set.of("paused", "waiting-children");

    private JobCounts() {
    }

    /** The count Vigil reports for a queue of the "main" Redis and the "bull" prefix; the other states must be there. */
    static double reported(Scrape s, String queue, String state) {
        return SPARSE.contains(state)
                ? s.value("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", queue, "state", state).orElse(0.0)
                : s.require("bullmq_job_count", "redis", "main", "prefix", "bull", "queue", queue, "state", state);
    }
}
