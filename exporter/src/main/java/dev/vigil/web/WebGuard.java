package dev.vigil.web;

import dev.vigil.config.Secret;
import dev.vigil.config.WebConfig;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The first handler of every route: adds the configured headers, then lets a request through only with a
 * right basic-auth password (and an allowed client certificate name, within the rate limit). {@code /healthz}
 * and {@code /readyz} stay open: they reveal nothing and kubelet probes carry no credentials.
 */
final class WebGuard implements Handler<RoutingContext>, AutoCloseable {
    private static final List<String> OPEN_PATHS = List.of("/healthz", "/readyz");

    private static final String PUSH_PATHS = "/api/";

    private final PasswordCheck passwords;
    private final boolean pushHasToken;
    private volatile WebConfig config;
    private volatile Optional<TokenBucket> rateLimit;

    WebGuard(Vertx vertx, WebConfig config, boolean pushHasToken) {
        this.passwords = new PasswordCheck(vertx);
        this.pushHasToken = pushHasToken;
        update(config);
    }

    /** Takes a reloaded configuration; the next request sees it. */
    void update(WebConfig next) {
        WebConfig previous = config;
        if (previous == null || !previous.rateLimit().equals(next.rateLimit())) {
            rateLimit = next.rateLimit().map(r -> new TokenBucket(r.interval(), r.burst()));
        }
        config = next;
    }

    @Override
    public void handle(RoutingContext ctx) {
        WebConfig c = config;
        c.headers().forEach(ctx.response()::putHeader);
        if (OPEN_PATHS.contains(ctx.normalizedPath())) {
            ctx.next();
            return;
        }
        if (rateLimit.isPresent() && !rateLimit.get().take()) {
            refuse(ctx, 429, "too many requests: the web config's rate_limit is reached\n");
            return;
        }
        List<String> sans = c.tls().map(t -> t.allowedSans()).orElse(List.of());
        if (!sans.isEmpty() && !allowedClient(ctx, sans)) {
            refuse(ctx, 403, "the client certificate carries none of the names in client_allowed_sans\n");
            return;
        }
        if (c.users().isEmpty() || (pushHasToken && ctx.normalizedPath().startsWith(PUSH_PATHS))) {
            ctx.next();
            return;
        }
        String[] credentials = basicCredentials(ctx.request().getHeader("Authorization"));
        if (credentials == null) {
            unauthorized(ctx);
            return;
        }
        Optional<String> hash = Optional.ofNullable(c.users().get(credentials[0])).map(Secret::value);
        passwords.check(credentials[0], hash, credentials[1]).onComplete(ar -> {
            if (ar.succeeded() && ar.result() == PasswordCheck.Outcome.VERIFIED) {
                ctx.next();
            } else if (ar.succeeded() && ar.result() == PasswordCheck.Outcome.BUSY) {
                ctx.response().putHeader("Retry-After", "1");
                refuse(ctx, 503, "too many password checks in progress; retry later\n");
            } else {
                unauthorized(ctx);
            }
        });
    }

    /** {@code [user, password]}, or null when the header is absent or not Basic. */
    private static String[] basicCredentials(String header) {
        if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The toolkit's rule: one of the certificate's DNS, e-mail, IP or URI names is in the list. */
    private static boolean allowedClient(RoutingContext ctx, List<String> sans) {
        try {
            List<Certificate> chain = ctx.request().connection().peerCertificates();
            if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate leaf) || leaf.getSubjectAlternativeNames() == null) {
                return false;
            }
            return leaf.getSubjectAlternativeNames().stream()
                    .anyMatch(name -> name.size() > 1 && name.get(1) instanceof String value && sans.contains(value));
        } catch (SSLPeerUnverifiedException | java.security.cert.CertificateParsingException e) {
            return false;
        }
    }

    private static void unauthorized(RoutingContext ctx) {
        ctx.response().putHeader("WWW-Authenticate", "Basic");
        refuse(ctx, 401, "Unauthorized\n");
    }

    private static void refuse(RoutingContext ctx, int status, String message) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(message);
    }

    @Override
    public void close() {
        passwords.close();
    }
}
