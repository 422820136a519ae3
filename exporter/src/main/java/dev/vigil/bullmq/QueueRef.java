package dev.vigil.bullmq;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A queue by prefix and name, and the Redis keys BullMQ (and Bull 3) keep it in. */
record QueueRef(String prefix, String name) implements Comparable<QueueRef> {

    String key(String suffix) {
        return prefix + ":" + name + ":" + suffix;
    }

    String jobKey(String jobId) {
        return prefix + ":" + name + ":" + jobId;
    }

    /** BullMQ names a worker's connection {@code <prefix>:<base64 of the queue name>}, see QueueBase.clientName. */
    static String encodedName(String name) {
        return Base64.getEncoder().encodeToString(name.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int compareTo(QueueRef o) {
        int c = prefix.compareTo(o.prefix);
        return c != 0 ? c : name.compareTo(o.name);
    }
}
