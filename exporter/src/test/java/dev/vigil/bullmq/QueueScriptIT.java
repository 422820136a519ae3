package dev.vigil.bullmq;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.RedisExtension;
import dev.vigil.support.SystemRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.XTrimArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** stream-ends.lua tells, for each stream, what QueueCursor takes from XINFO STREAM of the same stream. */
class QueueScriptIT {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.flushedBeforeEachTest();

    @Test
    void streamEndsSayWhatXinfoStreamSays() {
        streamEndsAgreeWithXinfo(redis.app());
    }

    /** Redis 7 reports entries-added, which the loss accounting counts on (Debian's redis-server). */
    @Test
    void streamEndsSayWhatXinfoStreamSaysOnRedis7() {
        SystemRedis.requireInstalled();
        try (SystemRedis r7 = SystemRedis.start(); RedisClient client = RedisClient.create(r7.url())) {
            RedisCommands<String, String> app = client.connect().sync();
            assertThat(app.info("server")).contains("redis_version:7");
            streamEndsAgreeWithXinfo(app);
        }
    }

    private static void streamEndsAgreeWithXinfo(RedisCommands<String, String> app) {
        app.xadd("bull:a:events", Map.of("event", "added", "jobId", "1"));
        app.xadd("bull:a:events", Map.of("event", "waiting", "jobId", "1"));
        String last = app.xadd("bull:a:events", Map.of("event", "active", "jobId", "1"));
        // Trimmed to nothing: the stream stays, with its last id and its count of entries ever added.
        app.xadd("bull:b:events", Map.of("event", "added", "jobId", "1"));
        String trimmedLast = app.xadd("bull:b:events", Map.of("event", "added", "jobId", "2"));
        app.xtrim("bull:b:events", XTrimArgs.Builder.maxlen(0));
        app.set("bull:c:events", "not a stream");
        List<String> keys = List.of("bull:a:events", "bull:b:events", "bull:missing:events", "bull:c:events");

        List<Object> reply = app.eval(QueueScript.text("stream-ends.lua"), ScriptOutputType.MULTI, new String[0], keys.toArray(String[]::new));

        List<StreamInfo> fromScript = reply.stream().map(r -> QueueScript.streamEnd((List<?>) r)).toList();
        // Entries ever added: reported from Redis 7.0 on (the embedded test Redis is 6.2).
        boolean counts = app.info("server").contains("redis_version:7") || app.info("server").contains("redis_version:8");
        assertThat(fromScript).containsExactly(
                new StreamInfo(true, StreamId.parse(last), counts ? 3 : -1),
                new StreamInfo(true, StreamId.parse(trimmedLast), counts ? 2 : -1),
                StreamInfo.MISSING,
                StreamInfo.MISSING);
        assertThat(fromScript).containsExactlyElementsOf(keys.stream().map(k -> xinfo(app, k)).toList());
    }

    /** What the command path makes of XINFO STREAM: a refusal (no such key, WRONGTYPE) is no stream. */
    private static StreamInfo xinfo(RedisCommands<String, String> app, String key) {
        try {
            return StreamInfo.parse(app.xinfoStream(key));
        } catch (RedisCommandExecutionException e) {
            return StreamInfo.MISSING;
        }
    }
}
