package dev.vigil.llm;

import dev.vigil.config.HttpLimits;
import dev.vigil.config.Secret;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * Who may send usage to Vigil and how much at once, shared by every endpoint that takes usage in (the push
 * API and OTLP), so a rule tightened here holds for all of them: the bearer token of {@code llm.push.token_file},
 * or loopback alone when there is none, and one body limit.
 */
public final class IngestGate {
    public static final long MAX_BODY_BYTES = HttpLimits.MAX_BODY_BYTES;

    /** Why a request was turned away before its body was read: the status, and a message naming the fix. */
    public record Refusal(int status, String message) {
    }

    private final Optional<byte[]> tokenDigest;
    private final boolean loopbackOnly;

    IngestGate(Optional<Secret> token, boolean loopbackOnly) {
        this.tokenDigest = token.map(t -> digest(t.value()));
        this.loopbackOnly = loopbackOnly;
    }

    /** Empty when the caller may send; a 401 also gets the {@code WWW-Authenticate: Bearer} challenge. */
    public Optional<Refusal> refusal(HttpServerRequest request) {
        Optional<Refusal> refusal = check(request.getHeader("Authorization"));
        if (refusal.isPresent() && refusal.get().status() == 401) {
            request.response().putHeader("WWW-Authenticate", "Bearer");
        }
        return refusal;
    }

    /** The rule alone, on the {@code Authorization} header's value (null when absent). */
    Optional<Refusal> check(String authorizationHeader) {
        if (tokenDigest.isEmpty()) {
            return loopbackOnly ? Optional.empty() : Optional.of(new Refusal(403,
                    "sending usage needs a bearer token when Vigil listens beyond loopback: set llm.push.token_file"));
        }
        return authorized(authorizationHeader) ? Optional.empty()
                : Optional.of(new Refusal(401, "missing or wrong bearer token (Authorization: Bearer <the token in llm.push.token_file>)"));
    }

    /** Reads the body up to the limit; beyond it the route fails with 413 (see {@link #tooLarge}). */
    public Handler<RoutingContext> bodyHandler() {
        return BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
    }

    /** The message of a 413. */
    public static String tooLarge() {
        return "the body is larger than " + MAX_BODY_BYTES + " bytes; send fewer events per request";
    }

    private boolean authorized(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        // Digests of equal length, compared in constant time: neither the token nor its length leaks by timing.
        return MessageDigest.isEqual(digest(header.substring(7).trim()), tokenDigest.orElseThrow());
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
