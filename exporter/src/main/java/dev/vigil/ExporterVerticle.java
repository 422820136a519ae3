package dev.vigil;

import dev.vigil.bullmq.BullmqSource;
import dev.vigil.bullmq.ShardGauge;
import dev.vigil.cache.AppCacheSource;
import dev.vigil.cache.RedisInfoSource;
import dev.vigil.config.BullmqConfig;
import dev.vigil.config.PostgresConfig;
import dev.vigil.config.RedisConfig;
import dev.vigil.config.VigilConfig;
import dev.vigil.http.ConnectionGuard;
import dev.vigil.http.HttpApi;
import dev.vigil.llm.LlmSpend;
import dev.vigil.poll.PollEngine;
import dev.vigil.poll.Source;
import dev.vigil.poll.SourceCollector;
import dev.vigil.postgres.PostgresSource;
import dev.vigil.redis.LoopTimer;
import dev.vigil.redis.RedisEndpoint;
import dev.vigil.redis.VertxEventLoop;
import dev.vigil.redis.WholeBatchWrites;
import dev.vigil.trace.ExemplarSpans;
import dev.vigil.trace.Tracing;
import dev.vigil.web.WebAccess;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Wires one configuration into running parts: Redis endpoints, sources, the poll engine, the registry and
 * the HTTP server. Owns their lifecycle; a new source kind is one more line in {@link #sources}.
 */
public final class ExporterVerticle extends VerticleBase {
    private static final Logger LOG = Logger.getLogger(ExporterVerticle.class.getName());

    private final VigilConfig config;
    private final String version;
    private final Map<String, String> env;
    // Set once by setUp() on a worker thread, read after it on the event loop (the future orders the two).
    private Tracing tracing;
    private ClientResources redisResources;
    /** Where the polls run (see pollContext). */
    private ContextInternal polls;
    private ClientResources threadedResources;
    private LoopTimer redisTimer;
    private final Map<String, RedisEndpoint> redis = new LinkedHashMap<>();
    private Optional<LlmSpend> llm = Optional.empty();
    private PollEngine engine;
    private PrometheusMeterRegistry meters;
    /** Vigil's own Micrometer meters, live at every scrape. */
    private PrometheusRegistry prometheusRegistry;
    private RuntimeMeters runtime;
    /** The sources', the LLM ledger's and the runtime's families, which change once per poll, push or second. */
    private final List<MultiCollector> changing = new ArrayList<>();
    private HttpServer server;
    private Optional<WebAccess> web = Optional.empty();

    /** @param env the process environment, for the standard OTEL_* variables */
    public ExporterVerticle(VigilConfig config, String version, Map<String, String> env) {
        this.config = config;
        this.version = version;
        this.env = env;
    }

    /** The port actually bound (useful when the config asked for port 0). */
    public int port() {
        return server.actualPort();
    }

    /** True once every source has finished its first poll, successfully or not (what /readyz answers). */
    public boolean ready() {
        return engine.sources().stream().allMatch(s -> s.state().polledOnce());
    }

    /** What a text-format scrape of /metrics would return now. */
    public byte[] textExposition() {
        return HttpApi.textExposition(changing, prometheusRegistry);
    }

    @Override
    public Future<?> start() {
        // Setting up the SDKs loads thousands of classes (seconds on a small machine): not on the event loop.
        return vertx.executeBlocking(() -> {
            setUp();
            return null;
        }).compose(v -> listen());
    }

    private void setUp() {
        IdleLoops.keepAsleep((VertxInternal) vertx);
        tracing = Tracing.start(config.tracing(), env, version);
        // Redis I/O runs on the event loop where the polls start and end, for the connections that suit it (see
        // VertxEventLoop.suits); the others keep Lettuce's own I/O threads, made only when one is configured.
        // Lettuce's timeouts are tasks on that loop too, not a timer thread that wakes at every tick (LoopTimer).
        polls = pollContext();
        redisTimer = new LoopTimer(polls.nettyEventLoop());
        redisResources = VertxEventLoop.resources(polls.nettyEventLoop(), redisTimer);
        if (!config.redis().values().stream().allMatch(VertxEventLoop::suits)) {
            threadedResources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).timer(redisTimer)
                    .nettyCustomizer(new WholeBatchWrites()).build();
        }
        for (RedisConfig r : config.redis().values()) {
            redis.put(r.name(), new RedisEndpoint(r, VertxEventLoop.suits(r) ? redisResources : threadedResources, tracing));
        }
        llm = config.llm().filter(l -> config.shard().first()).map(c -> new LlmSpend(c, config.server(), vertx, redis, Clock.systemUTC()));
        // Made before the registry and the rest: a Redis source starts opening its connection when it is made
        // (SourceConnection), and that connection is what the first poll, and so readiness, waits for.
        List<Source> sources = sources();
        prometheusRegistry = new PrometheusRegistry();
        meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, prometheusRegistry, io.micrometer.core.instrument.Clock.SYSTEM,
                tracing.enabled() ? new ExemplarSpans() : null);
        web = config.server().web().map(w -> new WebAccess(vertx, w, config.llm().map(l -> l.push().token().isPresent()).orElse(false)));
        web.ifPresent(w -> w.bindTo(meters));
        redis.values().forEach(e -> e.ownLookups().bindTo(meters));
        new ShardGauge(config.shard()).bindTo(meters);
        engine = new PollEngine(vertx, sources, meters, tracing, new Random());
        changing.add(new SourceCollector(engine, version));
        llm.ifPresent(l -> changing.addAll(l.collectors()));
        runtime = new RuntimeMeters();
        changing.add(runtime);
        // The first polls start now, not once the HTTP server listens: they wait for their connections, opening since
        // the sources were made, and run on the polls' event loop while this thread sets up the server, on a second
        // core. /readyz waits for them either way; a server that cannot listen ends the process (Main).
        polls.runOnContext(v -> engine.start()); // its timers, and so its polls, run on that context
    }

    private Future<HttpServer> listen() {
        ConnectionGuard guard = new ConnectionGuard(vertx, config.server().limits(), meters);
        HttpServerOptions options = guard.apply(new HttpServerOptions()
                .setHost(config.server().host())
                .setPort(config.server().port())
                .setCompressionSupported(true));
        web.ifPresent(w -> w.configure(options));
        Router router = HttpApi.router(vertx, engine, changing, prometheusRegistry, version, tracing, r -> {
            r.route().handler(guard);
            llm.ifPresent(l -> l.mount(r));
        });
        web.ifPresent(w -> w.protect(router));
        return vertx.createHttpServer(options)
                .connectionHandler(guard::connected)
                .requestHandler(router)
                .listen()
                .onSuccess(s -> {
                    server = s;
                    web.ifPresent(w -> w.watch(s));
                    LOG.info("Vigil " + version + " listening on " + config.server().host() + ":" + s.actualPort()
                            + " with " + engine.sources().size() + " source(s)");
                });
    }

    /**
     * The context the polls run on: an event loop other than the HTTP server's. A poll's steps (building its
     * commands, Lettuce's encoding and decoding, the snapshot) run on its loop, and on the server's loop a scrape
     * waited behind them: at 10,000 queues, 8 scrapers got 600 answers a second with a p99 of 136 ms while polls
     * ran on the same loop (docs/performance.md). With one event loop configured, they share it.
     */
    private ContextInternal pollContext() {
        ContextInternal server = (ContextInternal) context;
        for (EventExecutor loop : server.owner().nettyEventLoopGroup()) {
            if (loop != server.nettyEventLoop() && loop instanceof EventLoop other) {
                return server.owner().contextBuilder().withEventLoop(other).build();
            }
        }
        return server;
    }

    private List<Source> sources() {
        List<Source> sources = new ArrayList<>();
        for (BullmqConfig b : config.bullmq()) {
            sources.add(new BullmqSource(b, redis.get(b.redis()), vertx, tracing));
        }
        if (!config.shard().first()) {
            return sources; // what is not split by queue is read once, by shard 0 (docs/sharding.md)
        }
        for (PostgresConfig p : config.postgres().values()) {
            sources.add(new PostgresSource(p, vertx, tracing));
        }
        config.cache().redisInfo().forEach(r -> sources.add(new RedisInfoSource(config.cache(), redis.get(r), vertx)));
        config.cache().appByRedis().forEach((r, caches) -> sources.add(new AppCacheSource(config.cache(), caches, redis.get(r), vertx)));
        llm.ifPresent(l -> sources.addAll(l.sources()));
        return sources;
    }

    @Override
    public Future<?> stop() {
        Promise<Void> done = Promise.promise();
        web.ifPresent(WebAccess::close);
        Future<Void> httpClosed = server == null ? Future.succeededFuture() : server.close();
        Future<Void> sourcesClosed = engine == null ? Future.succeededFuture() : engine.stop();
        Future.join(httpClosed, sourcesClosed).onComplete(ar -> {
            List<Future<Void>> shutdowns = new ArrayList<>();
            for (RedisEndpoint e : redis.values()) {
                shutdowns.add(Future.fromCompletionStage(e.shutdown()));
            }
            Future.join(shutdowns).onComplete(x -> {
                redisResources.shutdown(0, 1, TimeUnit.SECONDS);
                if (threadedResources != null) {
                    threadedResources.shutdown(0, 1, TimeUnit.SECONDS);
                }
                redisTimer.stop(); // given to Lettuce, so not stopped by it
                if (runtime != null) {
                    runtime.close();
                }
                // Blocking flush of buffered spans: off the event loop.
                vertx.executeBlocking(() -> {
                    tracing.shutdown();
                    return null;
                }).onComplete(t -> done.complete());
            });
        });
        return done.future();
    }
}
