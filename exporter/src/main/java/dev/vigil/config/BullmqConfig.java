package dev.vigil.config;

import java.time.Duration;
import java.util.List;

/**
 * One BullMQ poll: a Redis connection, a key prefix, and either discovery of every queue under the
 * prefix or an explicit list of queue names, of which this replica reads its {@code shard}.
 */
public record BullmqConfig(
        String name,
        String redis,
        String prefix,
        Duration interval,
        Duration timeout,
        Duration discoveryInterval,
        Duration fullReadInterval,
        int maxQueues,
        List<String> queues,
        EventsConfig events,
        ShardConfig shard) {

    public static final String DEFAULT_PREFIX = "bull";
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
    public static final Duration MAX_DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_DISCOVERY_INTERVAL = Duration.ofSeconds(60);
    /**
     * How often every queue is read even if its events stream shows no change: the bound on how long a change
     * that writes no event (DEL, obliterate, a manual edit) stays unseen. A longer poll interval is the default
     * instead: then every poll reads every queue.
     */
    public static final Duration DEFAULT_FULL_READ_INTERVAL = Duration.ofSeconds(30);
    /** Bounds the series a runaway prefix (thousands of per-tenant queues) can create. */
    public static final int DEFAULT_MAX_QUEUES = 1000;

    public BullmqConfig {
        queues = List.copyOf(queues);
    }

    /**
     * Tailing of the queues' events streams (finished-job counters and latency).
     *
     * @param enabled          tail the streams at all
     * @param maxPerPoll       XREAD COUNT per queue per poll; the rest is read at the next poll
     * @param maxTrackedJobs   jobs in flight remembered per queue for stream-based latency
     * @param labelJobNames    add a job_name label (opt-in: job names can be unbounded)
     * @param maxJobNames      distinct job names per queue before the rest become "other"
     */
    public record EventsConfig(boolean enabled, int maxPerPoll, int maxTrackedJobs, boolean labelJobNames, int maxJobNames) {
        public static final EventsConfig DEFAULTS = new EventsConfig(true, 10_000, 10_000, false, 50);
    }

    public boolean discovers() {
        return queues.isEmpty();
    }

    public static BullmqConfig defaults(String redis) {
        return new BullmqConfig("bullmq/" + redis + "/" + DEFAULT_PREFIX, redis, DEFAULT_PREFIX,
                DEFAULT_INTERVAL, defaultTimeout(DEFAULT_INTERVAL), DEFAULT_DISCOVERY_INTERVAL, DEFAULT_FULL_READ_INTERVAL, DEFAULT_MAX_QUEUES, List.of(), EventsConfig.DEFAULTS,
                ShardConfig.WHOLE);
    }

    /** A poll may take up to its interval, but no more than ten seconds unless told otherwise. */
    static Duration defaultTimeout(Duration interval) {
        return interval.compareTo(MAX_DEFAULT_TIMEOUT) < 0 ? interval : MAX_DEFAULT_TIMEOUT;
    }

    static BullmqConfig read(YamlSection section, java.util.Set<String> redisNames) throws ConfigException {
        String redis = RedisConfig.reference(section, "redis", redisNames);
        String prefix = section.string("prefix", DEFAULT_PREFIX);
        if (prefix.isEmpty()) {
            throw section.error("prefix", "must not be empty");
        }
        Duration interval = section.duration("interval", DEFAULT_INTERVAL);
        Duration timeout = section.duration("timeout", defaultTimeout(interval));
        Duration discovery = section.duration("discovery_interval", DEFAULT_DISCOVERY_INTERVAL);
        Duration fullRead = section.duration("full_read_interval", interval.compareTo(DEFAULT_FULL_READ_INTERVAL) > 0 ? interval : DEFAULT_FULL_READ_INTERVAL);
        if (fullRead.compareTo(interval) < 0) {
            throw section.error("full_read_interval", "must not be shorter than the interval (" + Durations.format(interval) + ")");
        }
        int maxQueues = section.integer("max_queues", DEFAULT_MAX_QUEUES, 1, 100_000);
        List<String> queues = section.stringList("queues");
        String name = section.string("name", "bullmq/" + redis + "/" + prefix);
        EventsConfig d = EventsConfig.DEFAULTS;
        EventsConfig events = new EventsConfig(
                section.bool("events", d.enabled()),
                section.integer("max_events_per_poll", d.maxPerPoll(), 1, 1_000_000),
                section.integer("max_tracked_jobs", d.maxTrackedJobs(), 0, 10_000_000),
                section.bool("label_job_names", d.labelJobNames()),
                section.integer("max_job_names", d.maxJobNames(), 1, 10_000));
        ShardConfig shard = ShardConfig.read(section, "shard");
        section.finish();
        return new BullmqConfig(name, redis, prefix, interval, timeout, discovery, fullRead, maxQueues, queues, events, shard);
    }
}
