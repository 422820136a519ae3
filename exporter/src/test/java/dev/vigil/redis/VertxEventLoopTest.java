package dev.vigil.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.RedisConfig;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which Redis connections run on the Vert.x event loop: plain and Sentinel ones; not a Cluster's, not TLS. */
class VertxEventLoopTest {
    private static RedisConfig redis(String url, boolean cluster, List<String> nodes, Optional<RedisConfig.Tls> tls) {
        return new RedisConfig("main", url, cluster, nodes, Optional.empty(), Optional.empty(), Optional.empty(), tls,
                RedisConfig.DEFAULT_CONNECT_TIMEOUT, RedisConfig.DEFAULT_COMMAND_TIMEOUT);
    }

    @Test
    void plainAndSentinelConnectionsRunOnTheEventLoop() {
        assertThat(VertxEventLoop.suits(redis("redis://127.0.0.1:6379", false, List.of(), Optional.empty()))).isTrue();
        assertThat(VertxEventLoop.suits(redis("redis-sentinel://127.0.0.1:26379#mymaster", false, List.of(), Optional.empty()))).isTrue();
    }

    @Test
    void clusterAndTlsConnectionsKeepLettucesOwnThreads() {
        assertThat(VertxEventLoop.suits(redis("redis://127.0.0.1:7000", true, List.of("redis://127.0.0.1:7000"), Optional.empty()))).isFalse();
        assertThat(VertxEventLoop.suits(redis("rediss://127.0.0.1:6380", false, List.of(), Optional.empty()))).isFalse();
        assertThat(VertxEventLoop.suits(redis("rediss-sentinel://127.0.0.1:26379#mymaster", false, List.of(), Optional.empty()))).isFalse();
        assertThat(VertxEventLoop.suits(redis("redis://127.0.0.1:6380", false, List.of(),
                Optional.of(new RedisConfig.Tls(Optional.empty(), Optional.empty(), Optional.empty(), true))))).isFalse();
    }
}
