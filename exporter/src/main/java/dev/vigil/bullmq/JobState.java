package dev.vigil.bullmq;

/**
 * The states {@code bullmq_job_count} reports, with the key each is counted from. Lists are counted with
 * LLEN and sorted sets with ZCARD, as BullMQ's own getCounts script does
 * (src/commands/getCounts-1.lua).
 *
 * <p>{@code paused} and {@code waiting-children} are reported for a queue from the first poll that finds a job in
 * them, and at every poll after that, zeros included: BullMQ 6 has no paused list at all and most queues never
 * run a flow, so reporting them from the start was two series of a constant 0 per queue (an eighth of all series
 * at 1,000 queues). The others are reported from the start, so that {@code active == 0} and the finished totals
 * read as a number, not as a missing series.
 */
enum JobState {
    WAITING("waiting", "wait", true, true),
    ACTIVE("active", "active", true, true),
    DELAYED("delayed", "delayed", false, true),
    PRIORITIZED("prioritized", "prioritized", false, true),
    PAUSED("paused", "paused", true, false),
    WAITING_CHILDREN("waiting-children", "waiting-children", false, false),
    COMPLETED("completed", "completed", false, true),
    FAILED("failed", "failed", false, true);

    final String label;
    final String keySuffix;
    final boolean list;
    /** Reported while it has never held a job; see the class comment. */
    final boolean reportedFromStart;

    JobState(String label, String keySuffix, boolean list, boolean reportedFromStart) {
        this.label = label;
        this.keySuffix = keySuffix;
        this.list = list;
        this.reportedFromStart = reportedFromStart;
    }
}
