package dev.vigil.bullmq;

/**
 * The states {@code bullmq_job_count} reports, with the key each is counted from. Lists are counted with
 * LLEN and sorted sets with ZCARD, as BullMQ's own getCounts script does
 * (src/commands/getCounts-1.lua).
 */
enum JobState {
    WAITING("waiting", "wait", true),
    ACTIVE("active", "active", true),
    DELAYED("delayed", "delayed", false),
    PRIORITIZED("prioritized", "prioritized", false),
    PAUSED("paused", "paused", true),
    WAITING_CHILDREN("waiting-children", "waiting-children", false),
    COMPLETED("completed", "completed", false),
    FAILED("failed", "failed", false);

    final String label;
    final String keySuffix;
    final boolean list;

    JobState(String label, String keySuffix, boolean list) {
        this.label = label;
        this.keySuffix = keySuffix;
        this.list = list;
    }
}
