package dev.vigil.bullmq;

import dev.vigil.redis.Glob;
import dev.vigil.redis.Pipeline;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Finds the queues under a prefix by their {@code <prefix>:<queue>:meta} (BullMQ) or
 * {@code <prefix>:<queue>:id} (BullMQ and Bull 3) keys, in one SCAN pass over the keyspace.
 */
final class QueueDiscovery {
    /** Keys looked at per SCAN call; large enough that a big keyspace takes few round trips. */
    static final int SCAN_COUNT = 1000;

    private final String prefix;

    QueueDiscovery(String prefix) {
        this.prefix = prefix;
    }

    /** All queue names found, sorted; the caller applies the max_queues bound. */
    CompletionStage<Set<QueueRef>> discover(Pipeline pipeline) {
        // One glob for both suffixes; the exact suffix is checked below, so "metrics" keys and the like drop out.
        ScanArgs args = ScanArgs.Builder.matches(Glob.literal(prefix) + ":*:[mi][ed]*").limit(SCAN_COUNT);
        Set<QueueRef> found = new TreeSet<>();
        return scan(pipeline, ScanCursor.INITIAL, args, found).thenApply(v -> found);
    }

    private CompletionStage<Void> scan(Pipeline pipeline, ScanCursor cursor, ScanArgs args, Set<QueueRef> found) {
        CompletableFuture<KeyScanCursor<String>> reply = pipeline.commands().scan(cursor, args).toCompletableFuture();
        pipeline.send(List.of(reply));
        return reply.thenCompose(page -> {
            for (String key : page.getKeys()) {
                queueOf(key).ifPresent(found::add);
            }
            return page.isFinished() ? CompletableFuture.completedFuture(null) : scan(pipeline, page, args, found);
        });
    }

    java.util.Optional<QueueRef> queueOf(String key) {
        String head = prefix + ":";
        if (!key.startsWith(head)) {
            return java.util.Optional.empty();
        }
        String rest = key.substring(head.length());
        for (String suffix : new String[] {":meta", ":id"}) {
            if (rest.endsWith(suffix) && rest.length() > suffix.length()) {
                return java.util.Optional.of(new QueueRef(prefix, rest.substring(0, rest.length() - suffix.length())));
            }
        }
        return java.util.Optional.empty();
    }
}
