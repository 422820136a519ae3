package dev.vigil.redis;

import dev.vigil.config.RedisConfig;
import dev.vigil.trace.Tracing;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.protocol.RedisCommand;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One configured Redis (standalone, Sentinel or Cluster): builds the Lettuce client from the config and
 * opens connections to it. Each source opens its own connection, so one source's pipeline never waits
 * behind another's.
 */
public final class RedisEndpoint {
    /** How often a Cluster's topology is re-read, so resharding and failover are followed. */
    private static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(60);

    private final RedisConfig config;
    private final AbstractRedisClient client;
    private final List<RedisURI> uris;
    private final Tracing tracing;
    private final OwnLookups ownLookups;
    private final boolean wholeBatches;

    public RedisEndpoint(RedisConfig config, ClientResources resources, Tracing tracing) {
        this.config = config;
        this.tracing = tracing;
        this.ownLookups = new OwnLookups(config.name());
        this.wholeBatches = WholeBatchWrites.installedIn(resources);
        this.uris = (config.cluster() ? config.nodes() : List.of(config.url())).stream().map(this::uri).toList();
        SocketOptions socket = SocketOptions.builder().connectTimeout(config.connectTimeout()).keepAlive(true).build();
        TimeoutOptions timeouts = TimeoutOptions.builder().timeoutSource(new TimeoutOptions.TimeoutSource() {
            @Override
            public long getTimeout(RedisCommand<?, ?, ?> command) {
                return Batch.isBatched(command) ? 0 : config.commandTimeout().toNanos(); // 0: no timer
            }

            @Override
            public TimeUnit getTimeUnit() {
                return TimeUnit.NANOSECONDS;
            }
        }).build();
        SslOptions ssl = sslOptions();
        if (config.cluster()) {
            RedisClusterClient cluster = new AsyncRedisClusterClient(resources, uris);
            cluster.setOptions(ClusterClientOptions.builder()
                    .autoReconnect(true)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .socketOptions(socket).timeoutOptions(timeouts).sslOptions(ssl)
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(TOPOLOGY_REFRESH).enableAllAdaptiveRefreshTriggers().build())
                    .build());
            this.client = cluster;
        } else {
            RedisClient standalone = new AsyncRedisClient(resources);
            standalone.setOptions(ClientOptions.builder()
                    .autoReconnect(true)
                    // Fail fast while disconnected: a poll should report the source down, not queue up commands.
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .socketOptions(socket).timeoutOptions(timeouts).sslOptions(ssl)
                    .build());
            this.client = standalone;
        }
    }

    private RedisURI uri(String url) {
        RedisURI uri = RedisURI.create(url);
        config.password().ifPresent(p -> {
            if (config.username().isPresent()) {
                uri.setAuthentication(config.username().get(), p.value());
            } else {
                uri.setAuthentication(p.value());
            }
        });
        config.database().ifPresent(uri::setDatabase);
        config.tls().ifPresent(tls -> {
            uri.setSsl(true);
            uri.setVerifyPeer(tls.insecureSkipVerify() ? SslVerifyMode.NONE : SslVerifyMode.FULL);
        });
        uri.setTimeout(config.commandTimeout());
        return uri;
    }

    private SslOptions sslOptions() {
        SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider();
        config.tls().ifPresent(tls -> {
            tls.caFile().ifPresent(ca -> ssl.trustManager(ca.toFile()));
            if (tls.certFile().isPresent()) {
                ssl.keyManager(tls.certFile().get().toFile(), tls.keyFile().orElseThrow().toFile(), null);
            }
        });
        return ssl.build();
    }

    public String name() {
        return config.name();
    }

    /** Every source that reads this Redis counts its keyspace lookups here. */
    public OwnLookups ownLookups() {
        return ownLookups;
    }

    /** Opens a new connection; the stage fails with Lettuce's exception when Redis is unreachable. */
    public CompletionStage<Pipeline> connect() {
        RedisURI first = uris.get(0);
        try {
            if (client instanceof RedisClusterClient cluster) {
                // connectAsync needs the slot map first; refreshing also retries the seeds after an outage.
                return cluster.refreshPartitionsAsync()
                        .thenCompose(v -> cluster.connectAsync(StringCodec.UTF8))
                        .thenApply(c -> Pipeline.cluster(c, config.commandTimeout()).traced(tracing, first.getHost(), first.getPort()));
            }
            return ((RedisClient) client).connectAsync(StringCodec.UTF8, first)
                    .thenApply(c -> Pipeline.standalone(c, config.commandTimeout(), wholeBatches).traced(tracing, first.getHost(), first.getPort()));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    public CompletionStage<Void> shutdown() {
        return client.shutdownAsync();
    }
}
