package dev.vigil;

import dev.vigil.config.ConfigException;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.VigilConfig;
import dev.vigil.log.LogFormat;
import dev.vigil.log.LogSetup;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import sun.misc.Signal;

/** Command line: parse arguments, load the config, start the exporter, stop it cleanly (status 0) on SIGTERM. */
public final class Main {
    static final int EXIT_OK = 0;
    static final int EXIT_RUNTIME = 1;
    static final int EXIT_USAGE = 2;
    private static final String LETTUCE_JFR = "io.lettuce.core.jfr";
    private static final String NETTY_JFR = "io.netty.jfr.enabled";

    private static final String USAGE = """
            Usage: java -jar vigil-exporter.jar [options]

            Vigil polls BullMQ queues in Redis, and PostgreSQL servers, and serves them to
            Prometheus on /metrics.
            With no options it listens on 0.0.0.0:9740 and reads queues under the prefix
            'bull' from redis://127.0.0.1:6379.

            Options:
              --config FILE        YAML configuration (default: $VIGIL_CONFIG, else built-in defaults)
              --check-config       validate the configuration, print a summary, exit 0 (valid) or 2
              --once               start, poll every source once, print what /metrics would
                                   serve (text format) and exit 0; sources that are down say so
              --log-format FORMAT  text (default) or json
              --version            print the version and exit
              --help               print this help and exit
            """;

    private Main() {
    }

    public static void main(String[] args) {
        // Lettuce and Netty's buffer allocator record JFR events when the JDK has JFR. Each event class costs
        // JFR a generated handler class when first used, none of which a class-data archive can hold: Netty's
        // came at the first poll's first large reply and cost about 0.2 s from start to ready (docs/performance.md),
        // for events nobody records. A user who wants them sets either property to true.
        for (String property : List.of(LETTUCE_JFR, NETTY_JFR)) {
            if (System.getProperty(property) == null) {
                System.setProperty(property, "false");
            }
        }
        LogSetup.install();
        int status = run(args, System.getenv(), System.out, System.err);
        if (status >= 0) {
            System.exit(status);
        }
    }

    /** Runs the command; returns an exit status, or -1 when the exporter is running and main should return. */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        CommandLine cl;
        try {
            cl = CommandLine.parse(args, env);
        } catch (IllegalArgumentException e) {
            err.println("vigil: " + e.getMessage());
            err.print(USAGE);
            return EXIT_USAGE;
        }
        if (cl.help()) {
            out.print(USAGE);
            return EXIT_OK;
        }
        if (cl.version()) {
            out.println("vigil " + Version.get());
            return EXIT_OK;
        }
        VigilConfig config;
        try {
            config = cl.config() == null ? ConfigLoader.defaults() : new ConfigLoader(env::get).load(Path.of(cl.config()));
        } catch (ConfigException e) {
            err.println("vigil: config error: " + e.describe());
            return EXIT_USAGE;
        }
        if (cl.checkConfig()) {
            out.print(config.summary());
            out.println("configuration is valid");
            return EXIT_OK;
        }
        LogSetup.configure(cl.logFormat());
        return start(config, env, cl.once() ? out : null);
    }

    /** @param once where {@code --once} prints the exposition, or null to keep running until stopped */
    private static int start(VigilConfig config, Map<String, String> env, PrintStream once) {
        Logger log = Logger.getLogger(Main.class.getName());
        String version = Version.get();
        for (String line : config.summary().split("\n")) {
            log.info(line);
        }
        // Two event loops are enough for a sidecar; the default (2 x cores) only costs memory. The check for a
        // blocked event loop runs every 5 s, not every second: each wake-up of its thread cost 0.2-0.3 ms of CPU on a
        // 2-core VM, a twentieth of an idle Vigil; a loop blocked 5 s or more is still reported.
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(4)
                .setBlockedThreadCheckInterval(5).setBlockedThreadCheckIntervalUnit(TimeUnit.SECONDS));
        CountDownLatch started = new CountDownLatch(1);
        Throwable[] failure = new Throwable[1];
        ExporterVerticle exporter = new ExporterVerticle(config, version, env);
        vertx.deployVerticle(exporter).onComplete(ar -> {
            failure[0] = ar.cause();
            started.countDown();
        });
        try {
            started.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_RUNTIME;
        }
        if (failure[0] != null) {
            log.severe("cannot start on " + config.server().host() + ":" + config.server().port() + ": " + failure[0].getMessage());
            vertx.close();
            return EXIT_RUNTIME;
        }
        if (once != null) {
            return printOnce(exporter, vertx, once);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("shutting down");
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.warning("shutdown did not finish cleanly: " + e);
            }
        }, "vigil-shutdown"));
        // SIGTERM is how Kubernetes and container engines ask a container to stop: a requested end, so exit 0
        // after the hook above has closed Vert.x (the JVM's own handler exits 143 and the stop looks like a crash).
        Signal.handle(new Signal("TERM"), signal -> System.exit(EXIT_OK));
        return -1;
    }

    /**
     * Waits for every source's first poll (each ends within its timeout, down or up), prints the exposition and
     * stops. The container build runs this to record the classes a real start loads (docs/container.md).
     */
    private static int printOnce(ExporterVerticle exporter, Vertx vertx, PrintStream out) {
        try {
            while (!exporter.ready()) {
                Thread.sleep(20);
            }
            out.write(exporter.textExposition());
            out.flush();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return EXIT_OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_RUNTIME;
        } catch (Exception e) {
            Logger.getLogger(Main.class.getName()).severe("--once: " + e);
            return EXIT_RUNTIME;
        }
    }
}
