package dev.vigil.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.poll.PollErrorReason;
import dev.vigil.poll.PollException;
import org.junit.jupiter.api.Test;

class RedisInfoTest {
    private static final String INFO = String.join("\r\n",
            "# Server", "redis_version:6.2.6", "uptime_in_seconds:42", "",
            "# Stats", "keyspace_hits:10", "keyspace_misses:3", "",
            "# Keyspace", "db0:keys=5,expires=2,avg_ttl=1000", "db12:keys=1,expires=0,avg_ttl=0", "");

    @Test
    void readsFieldsAndTheKeyspaceByDatabase() {
        RedisInfo info = RedisInfo.parse(INFO);
        assertThat(info.number("keyspace_hits")).isEqualTo(10);
        assertThat(info.number("uptime_in_seconds")).isEqualTo(42);
        assertThat(info.fields()).containsEntry("redis_version", "6.2.6").doesNotContainKey("db0");
        assertThat(info.keyspace()).containsExactly(
                java.util.Map.entry(0, new RedisInfo.Keyspace(5, 2)), java.util.Map.entry(12, new RedisInfo.Keyspace(1, 0)));
    }

    @Test
    void aMissingFieldFailsThePollAsData() {
        assertThatThrownBy(() -> RedisInfo.parse(INFO).number("evicted_keys"))
                .isInstanceOfSatisfying(PollException.class, e -> assertThat(e.reason()).isEqualTo(PollErrorReason.DATA))
                .hasMessage("INFO has no whole number evicted_keys (got null)");
    }
}
