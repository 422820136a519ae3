package dev.vigil.llm;

import dev.vigil.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The rule every endpoint that takes usage in applies before reading a body: the bearer token of
 * {@code llm.push.token_file} when one is set; without one, requests are taken only while Vigil listens on
 * loopback. Shared here so that no ingest path imports another.
 */
public final class IngestAuth {
    /** The largest body an ingest endpoint reads. */
    public static final long MAX_BODY_BYTES = 1024 * 1024;

    private final Optional<byte[]> tokenDigest;
    private final boolean loopbackOnly;

    /** Why a request is refused: the status to answer with and a message a client can act on. */
    public record Refusal(int status, String message) {
    }

    public IngestAuth(Optional<Secret> token, boolean loopbackOnly) {
        this.tokenDigest = token.map(t -> digest(t.value()));
        this.loopbackOnly = loopbackOnly;
    }

    /** Empty when the request may go on; a 401 answer also carries {@code WWW-Authenticate: Bearer}. */
    public Optional<Refusal> check(String authorizationHeader) {
        if (tokenDigest.isEmpty()) {
            return loopbackOnly ? Optional.empty() : Optional.of(new Refusal(403,
                    "sending usage needs a bearer token when Vigil listens beyond loopback: set llm.push.token_file"));
        }
        return authorized(authorizationHeader) ? Optional.empty()
                : Optional.of(new Refusal(401, "missing or wrong bearer token (Authorization: Bearer <the token in llm.push.token_file>)"));
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
