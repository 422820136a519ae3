package dev.vigil.cache;

import dev.vigil.config.AppCacheConfig;
import dev.vigil.redis.Pipeline;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Finds the caches of each {@code hash_pattern} by SCAN (which looks up no key, so it adds nothing to the
 * hit rate), one cache per matching hash named by the part the {@code *} matched, at most
 * {@code max_caches} per pattern (the first by name). Scans again every {@code discovery_interval}.
 */
final class CachePatterns {
    private static final Logger LOG = Logger.getLogger(CachePatterns.class.getName());
    /** Keys looked at per SCAN call; large enough that a big keyspace takes few round trips. */
    static final int SCAN_COUNT = 1000;

    private final List<AppCacheConfig> patterns;
    private final Duration every;
    private final Set<String> truncationLogged = ConcurrentHashMap.newKeySet();
    private volatile List<CacheRef> found = List.of();
    private volatile long foundAtNanos;
    private volatile boolean scanned;

    CachePatterns(List<AppCacheConfig> patterns, Duration every) {
        this.patterns = List.copyOf(patterns);
        this.every = every;
    }

    /** The caches found at the last discovery, scanning again first when that is older than the interval. */
    CompletionStage<List<CacheRef>> current(Pipeline pipeline) {
        if (patterns.isEmpty() || (scanned && System.nanoTime() - foundAtNanos < every.toNanos())) {
            return CompletableFuture.completedFuture(found);
        }
        List<CacheRef> all = new ArrayList<>();
        CompletionStage<Void> done = CompletableFuture.completedFuture(null);
        for (AppCacheConfig pattern : patterns) {
            done = done.thenCompose(v -> discover(pipeline, pattern).thenAccept(all::addAll));
        }
        return done.thenApply(v -> {
            found = List.copyOf(all);
            foundAtNanos = System.nanoTime();
            scanned = true;
            return found;
        });
    }

    private CompletionStage<List<CacheRef>> discover(Pipeline pipeline, AppCacheConfig pattern) {
        ScanArgs args = ScanArgs.Builder.matches(pattern.key()).limit(SCAN_COUNT);
        TreeMap<String, String> byName = new TreeMap<>();
        return scan(pipeline, ScanCursor.INITIAL, args, pattern.key(), byName).thenApply(v -> bounded(pattern, byName));
    }

    private CompletionStage<Void> scan(Pipeline pipeline, ScanCursor cursor, ScanArgs args, String pattern, TreeMap<String, String> byName) {
        CompletableFuture<KeyScanCursor<String>> reply = pipeline.commands().scan(cursor, args).toCompletableFuture();
        pipeline.send(List.of(reply));
        return reply.thenCompose(page -> {
            for (String key : page.getKeys()) {
                String name = starPart(pattern, key);
                if (!name.isEmpty()) {
                    byName.put(name, key);
                }
            }
            return page.isFinished() ? CompletableFuture.completedFuture(null) : scan(pipeline, page, args, pattern, byName);
        });
    }

    private List<CacheRef> bounded(AppCacheConfig pattern, TreeMap<String, String> byName) {
        if (byName.size() > pattern.maxCaches() && truncationLogged.add(pattern.key())) {
            LOG.warning("hash_pattern '" + pattern.key() + "': " + byName.size() + " hashes match, reporting the first "
                    + pattern.maxCaches() + " by name (raise max_caches to see more)");
        }
        return byName.entrySet().stream().limit(pattern.maxCaches())
                .map(e -> new CacheRef(e.getKey(), pattern.level(), e.getValue(), pattern.names(), true))
                .toList();
    }

    /** The part of a matching key that the pattern's one {@code *} stands for; the rest of a pattern is literal. */
    static String starPart(String pattern, String key) {
        int star = pattern.indexOf('*');
        return key.substring(star, key.length() - (pattern.length() - star - 1));
    }
}
