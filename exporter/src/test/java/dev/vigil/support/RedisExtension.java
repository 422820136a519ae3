package dev.vigil.support;

import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real Redis ({@link TestRedis}) for all the tests of a class, and a connection of the test's own to act as
 * the application. Started before the class's {@code @BeforeAll} methods, so they can lay out keys; stopped
 * after its last test. Register it on a static field:
 *
 * <pre>
 * &#64;RegisterExtension
 * static final RedisExtension redis = RedisExtension.flushedBeforeEachTest();
 * </pre>
 */
public final class RedisExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    private final boolean flushBeforeEach;
    private TestRedis server;
    private RedisCommands<String, String> app;

    private RedisExtension(boolean flushBeforeEach) {
        this.flushBeforeEach = flushBeforeEach;
    }

    /** Each test starts from an empty Redis (FLUSHALL) and lays out its own keys. */
    public static RedisExtension flushedBeforeEachTest() {
        return new RedisExtension(true);
    }

    /** The keys stay from test to test: for classes that lay them out once, in {@code @BeforeAll}. */
    public static RedisExtension keptAcrossTests() {
        return new RedisExtension(false);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = TestRedis.start();
        app = server.sync();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (flushBeforeEach) {
            app().flushall();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        server.close();
        server = null;
        app = null;
    }

    public TestRedis server() {
        if (server == null) {
            throw new IllegalStateException("Redis is not running: register the RedisExtension on a static field");
        }
        return server;
    }

    /** The application's connection (the test's own, not Vigil's). */
    public RedisCommands<String, String> app() {
        server();
        return app;
    }

    public String url() {
        return server().url();
    }
}
