package dev.vigil.bullmq;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the events stream told us about jobs still in flight: their name (from "added"), when they last
 * became ready to run ("waiting") and when a worker took them ("active"), in Redis' clock. It is the
 * fallback for latency when a finished job's hash is already gone (removeOnComplete). Bounded: the
 * oldest entries are forgotten first.
 */
final class JobTrail {
    static final class Entry {
        String name;
        long readyMs;
        long activeMs;
    }

    private final Map<String, Entry> jobs;

    JobTrail(int maxJobs) {
        this.jobs = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
                return size() > maxJobs;
            }
        };
    }

    Entry of(String jobId) {
        return jobs.computeIfAbsent(jobId, id -> new Entry());
    }

    Entry peek(String jobId) {
        return jobs.get(jobId);
    }

    Entry finish(String jobId) {
        return jobs.remove(jobId);
    }
}
