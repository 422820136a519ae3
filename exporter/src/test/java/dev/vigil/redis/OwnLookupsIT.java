package dev.vigil.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.RedisExtension;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Each rule OwnLookups uses to tell a hit from a miss, checked against a real Redis: every command Vigil
 * sends, on a key that exists, one that does not and one of another type, moves INFO's keyspace_hits and
 * keyspace_misses by exactly what OwnLookups counts from the reply.
 */
class OwnLookupsIT {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.keptAcrossTests();
    private static RedisAsyncCommands<String, String> vigil;
    private static io.lettuce.core.api.StatefulRedisConnection<String, String> connection;

    @BeforeAll
    static void keys() {
        var app = redis.app();
        app.set("string", "v");
        app.rpush("list", "a", "b");
        app.zadd("zset", 1, "a");
        app.hset("hash", Map.of("timestamp", "1", "hits", "3"));
        app.hset("job-without-times", "name", "x");
        vigil = redis.server().connect().async();
        connection = redis.server().connect();
    }

    /** Runs one command, counts it as the readers do, and returns {hits, misses} as counted and as Redis saw them. */
    private static long[][] run(Function<RedisAsyncCommands<String, String>, CompletionStage<?>> command, OwnLookups.Reply kind) {
        OwnLookups counted = new OwnLookups("test");
        long hits = redis.server().info("keyspace_hits");
        long misses = redis.server().info("keyspace_misses");
        CompletionStage<?> reply = command.apply(vigil);
        reply.toCompletableFuture().handle((v, e) -> null).join();
        if (kind != null) {
            counted.count(reply, kind);
        }
        return new long[][] {{counted.hits(), counted.misses()},
                {redis.server().info("keyspace_hits") - hits, redis.server().info("keyspace_misses") - misses}};
    }

    private static void assertCounts(Function<RedisAsyncCommands<String, String>, CompletionStage<?>> command,
                                     OwnLookups.Reply kind, long hits, long misses) {
        long[][] r = run(command, kind);
        assertThat(r[1]).as("what Redis counted").containsExactly(hits, misses);
        assertThat(r[0]).as("what OwnLookups counted").containsExactly(hits, misses);
    }

    @Test
    void lengthsAreZeroExactlyForMissingKeys() {
        assertCounts(c -> c.llen("list"), OwnLookups.Reply.LENGTH, 1, 0);
        assertCounts(c -> c.llen("nope"), OwnLookups.Reply.LENGTH, 0, 1);
        assertCounts(c -> c.zcard("zset"), OwnLookups.Reply.LENGTH, 1, 0);
        assertCounts(c -> c.zcard("nope"), OwnLookups.Reply.LENGTH, 0, 1);
        assertCounts(c -> c.llen("string"), OwnLookups.Reply.LENGTH, 1, 0); // WRONGTYPE: found, then refused
    }

    @Test
    void rangesAndWholeHashesAreEmptyExactlyForMissingKeys() {
        assertCounts(c -> c.lrange("list", -2, -1), OwnLookups.Reply.ELEMENTS, 1, 0);
        assertCounts(c -> c.lrange("nope", -2, -1), OwnLookups.Reply.ELEMENTS, 0, 1);
        assertCounts(c -> c.zrange("zset", 0, 0), OwnLookups.Reply.ELEMENTS, 1, 0);
        assertCounts(c -> c.zrange("nope", 0, 0), OwnLookups.Reply.ELEMENTS, 0, 1);
        assertCounts(c -> c.hgetall("hash"), OwnLookups.Reply.ELEMENTS, 1, 0);
        assertCounts(c -> c.hgetall("nope"), OwnLookups.Reply.ELEMENTS, 0, 1);
        assertCounts(c -> c.hgetall("string"), OwnLookups.Reply.ELEMENTS, 1, 0);
    }

    @Test
    void getIsNilExactlyForMissingKeys() {
        assertCounts(c -> c.get("string"), OwnLookups.Reply.VALUE, 1, 0);
        assertCounts(c -> c.get("nope"), OwnLookups.Reply.VALUE, 0, 1);
        assertCounts(c -> c.get("hash"), OwnLookups.Reply.VALUE, 1, 0);
    }

    @Test
    void hmgetOfAJobHashAndItsOneDocumentedBlindSpot() {
        assertCounts(c -> c.hmget("hash", "timestamp", "delay"), OwnLookups.Reply.FIELDS, 1, 0);
        assertCounts(c -> c.hmget("nope", "timestamp", "delay"), OwnLookups.Reply.FIELDS, 0, 1);
        // A hash with none of the fields asked for: Redis saw a hit, the reply cannot show it. BullMQ and
        // Bull always write a job's timestamp, so Vigil never meets this; the README says so.
        long[][] r = run(c -> c.hmget("job-without-times", "timestamp", "delay"), OwnLookups.Reply.FIELDS);
        assertThat(r[1]).containsExactly(1, 0);
        assertThat(r[0]).containsExactly(0, 1);
    }

    /** Sends a batch on the test's connection and returns {hits, misses} as Redis saw them. */
    private static long[] send(Batch batch) {
        long hits = redis.server().info("keyspace_hits");
        long misses = redis.server().info("keyspace_misses");
        connection.dispatch(batch.commands());
        batch.settled().join();
        return new long[] {redis.server().info("keyspace_hits") - hits, redis.server().info("keyspace_misses") - misses};
    }

    @Test
    void existsCountsItsKey() {
        Batch batch = new Batch();
        var found = batch.exists("string");
        var missing = batch.exists("nope");
        long[] seen = send(batch);
        OwnLookups counted = new OwnLookups("test");
        counted.countExists(found);
        counted.countExists(missing);
        assertThat(seen).containsExactly(1, 1);
        assertThat(new long[] {counted.hits(), counted.misses()}).containsExactly(1, 1);
    }

    @Test
    void oneXreadOfSeveralStreamsLooksEachUpTwiceAndXinfoOnce() {
        redis.app().xadd("stream", "event", "added");
        Batch batch = new Batch();
        var info = batch.xinfoStream("stream");
        var noInfo = batch.xinfoStream("no-stream");
        var read = batch.xread(10, java.util.List.of("stream", "no-stream", "other-no-stream"), java.util.List.of("0-0", "0-0", "0-0"));
        long[] seen = send(batch);
        OwnLookups counted = new OwnLookups("test");
        counted.countStreamInfo(info);
        counted.countStreamInfo(noInfo);
        assertThat(read.value()).hasSize(1);
        counted.countStreamRead(true);
        counted.countStreamRead(false);
        counted.countStreamRead(false);
        assertThat(seen).containsExactly(1 + 2, 1 + 2 * 2);
        assertThat(new long[] {counted.hits(), counted.misses()}).containsExactly(1 + 2, 1 + 2 * 2);
    }

    @Test
    void batchRepliesAreCountedByTheSameRules() {
        Batch batch = new Batch();
        var len = batch.llen("list");
        var wrongType = batch.zcard("string");
        var noHash = batch.hgetall("nope");
        var job = batch.hmget("hash", "timestamp", "delay");
        long[] seen = send(batch);
        OwnLookups counted = new OwnLookups("test");
        counted.count(len, OwnLookups.Reply.LENGTH);
        counted.count(wrongType, OwnLookups.Reply.LENGTH);
        counted.count(noHash, OwnLookups.Reply.ELEMENTS);
        counted.count(job, OwnLookups.Reply.FIELDS);
        assertThat(wrongType.wrongType()).isTrue();
        assertThat(seen).containsExactly(3, 1);
        assertThat(new long[] {counted.hits(), counted.misses()}).containsExactly(3, 1);
    }

    @Test
    void commandsThatLookUpNoKeyMoveNothing() {
        assertCounts(c -> c.scan(ScanCursor.INITIAL, ScanArgs.Builder.matches("*").limit(1000)), null, 0, 0);
        assertCounts(RedisAsyncCommands::time, null, 0, 0);
        assertCounts(RedisAsyncCommands::clientList, null, 0, 0);
        assertCounts(RedisAsyncCommands::info, null, 0, 0);
        assertCounts(c -> c.configGet("databases"), null, 0, 0);
    }

    @Test
    void anExpiredKeyIsAMissForRedisAndForTheReply() throws InterruptedException {
        redis.app().set("short-lived", "v", io.lettuce.core.SetArgs.Builder.px(1));
        Thread.sleep(20);
        assertCounts(c -> c.get("short-lived"), OwnLookups.Reply.VALUE, 0, 1);
    }
}
