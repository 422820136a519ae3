package dev.vigil.redis;

import dev.vigil.config.Redaction;
import dev.vigil.poll.PollErrorReason;
import dev.vigil.poll.PollException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Turns what Lettuce throws into a {@link PollException} with a reason and a message that names the Redis. */
public final class RedisErrors {
    private RedisErrors() {
    }

    public static PollException classify(String redisName, Throwable error) {
        Throwable e = unwrap(error);
        if (e instanceof PollException p) {
            return p;
        }
        String text = Redaction.redactUrl(PollException.describe(e));
        if (tlsFailure(e)) {
            text = "TLS handshake failed (check tls.ca_file and the server's certificate, or tls.cert_file/key_file"
                    + " when the server asks for a client certificate): " + text;
        }
        PollErrorReason reason;
        if (e instanceof RedisCommandTimeoutException || e instanceof TimeoutException) {
            reason = PollErrorReason.TIMEOUT;
        } else if (isAuth(text)) {
            reason = PollErrorReason.AUTH;
        } else if (e instanceof RedisCommandExecutionException) {
            reason = PollErrorReason.QUERY;
        } else if (e instanceof RedisConnectionException || e instanceof IOException
                || (e instanceof RedisException && lostConnection(text))) {
            reason = PollErrorReason.CONNECTION;
        } else {
            reason = PollErrorReason.INTERNAL;
        }
        return new PollException(reason, "redis " + redisName + ": " + text, e);
    }

    /** Lettuce reports a dropped link as a plain RedisException: "Connection disconnected", "...is closed", "not connected". */
    private static boolean lostConnection(String text) {
        String t = text.toLowerCase(java.util.Locale.ROOT);
        return t.contains("connect") || t.contains("closed");
    }

    /**
     * Whether a finished reply is Redis' {@code WRONGTYPE} error: the key exists but holds another type.
     * Readers report that for the one key; any other error fails the poll.
     */
    public static boolean isWrongType(CompletionStage<?> reply) {
        CompletableFuture<?> done = reply.toCompletableFuture();
        if (!done.isDone()) {
            throw new IllegalStateException("a reply is looked at only once it has arrived");
        }
        Throwable error = unwrap(done.handle((v, e) -> e).join());
        return error instanceof RedisCommandExecutionException r && r.getMessage() != null && r.getMessage().startsWith("WRONGTYPE");
    }

    private static boolean isAuth(String text) {
        return text.contains("NOAUTH") || text.contains("WRONGPASS") || text.contains("NOPERM") || text.contains("invalid password");
    }

    private static boolean tlsFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                return true;
            }
        }
        return false;
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
