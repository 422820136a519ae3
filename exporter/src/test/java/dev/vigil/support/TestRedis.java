package dev.vigil.support;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import redis.embedded.RedisServer;

/**
 * A real Redis server (the embedded-redis artifact's binary) on a free loopback port, plus plain
 * clients for the test to act as the application would. Stop and start keep the port, so a running
 * exporter sees the same server come back.
 */
public final class TestRedis implements AutoCloseable {
    private final int port;
    private RedisServer server;
    private final RedisClient client;
    private final List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();

    private final String password;
    private RedisCommands<String, String> infoReader;

    private TestRedis(int port, String password) {
        this.port = port;
        this.password = password;
        this.client = RedisClient.create(password == null
                ? "redis://127.0.0.1:" + port
                : "redis://:" + password + "@127.0.0.1:" + port);
    }

    public static TestRedis start() {
        return startWithPassword(null);
    }

    /** A Redis that requires this password of the default user (null: none). */
    public static TestRedis startWithPassword(String password) {
        TestRedis redis = new TestRedis(freePort(), password);
        redis.startServer();
        return redis;
    }

    public void startServer() {
        try {
            server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                    .setting("save \"\"").setting("appendonly no")
                    .settingIf(password != null, "requirepass " + password).build();
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void stopServer() {
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** A new connection of the test's own, closed with this object. */
    public StatefulRedisConnection<String, String> connect() {
        StatefulRedisConnection<String, String> c = client.connect();
        connections.add(c);
        return c;
    }

    public RedisCommands<String, String> sync() {
        return connect().sync();
    }

    /**
     * A whole-number field of {@code INFO}, read on a connection of the test's own. INFO looks up no key,
     * so reading it moves neither keyspace_hits nor keyspace_misses.
     */
    public long info(String field) {
        // One connection for every call, so reading INFO does not itself change connected_clients.
        if (infoReader == null) {
            infoReader = sync();
        }
        for (String line : infoReader.info().split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim());
            }
        }
        throw new AssertionError("INFO has no field " + field);
    }

    @Override
    public void close() {
        connections.forEach(c -> c.close());
        client.shutdown();
        stopServer();
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
