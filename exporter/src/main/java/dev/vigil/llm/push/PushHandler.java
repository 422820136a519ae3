package dev.vigil.llm.push;

import dev.vigil.llm.IngestGate;
import dev.vigil.llm.UsageEvent;
import dev.vigil.llm.UsageLedger;
import dev.vigil.trace.TraceParent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code POST /api/v1/llm/usage}: the application's calls, pushed as JSON or NDJSON. Checks come cheapest
 * first (token, content type, size) so a hostile client costs little; a body is counted whole or rejected
 * whole, and every rejection is a 4xx with the reason, never a 500.
 */
public final class PushHandler {
    static final String PATH = "/api/v1/llm/usage";

    private final UsageLedger ledger;
    private final IngestGate gate;
    private final Clock clock;

    public PushHandler(UsageLedger ledger, IngestGate gate, Clock clock) {
        this.ledger = ledger;
        this.gate = gate;
        this.clock = clock;
    }

    public void mount(Router router) {
        // Two routes: Vert.x wants a body handler first on its route, and the token and content type are
        // checked before any of the body is read.
        router.post(PATH).handler(this::admit);
        router.post(PATH)
                .handler(gate.bodyHandler())
                .handler(this::count)
                .failureHandler(this::failed);
    }

    private void admit(RoutingContext ctx) {
        Optional<IngestGate.Refusal> refusal = gate.refusal(ctx.request());
        if (refusal.isPresent()) {
            answer(ctx, refusal.get().status(), refusal.get().message());
            return;
        }
        Optional<Boolean> ndjson = mediaType(ctx.request().getHeader("Content-Type"));
        if (ndjson.isEmpty()) {
            answer(ctx, 415, "send Content-Type: application/json (an object or an array) or application/x-ndjson, in UTF-8");
            return;
        }
        ctx.put("ndjson", ndjson.get());
        ctx.next();
    }

    private void count(RoutingContext ctx) {
        List<UsageEvent> events;
        try {
            String body = utf8(ctx.body().buffer());
            events = body == null ? UsageParser.json("", clock.instant())
                    : Boolean.TRUE.equals(ctx.get("ndjson")) ? UsageParser.ndjson(body, clock.instant()) : UsageParser.json(body, clock.instant());
        } catch (InvalidUsage e) {
            answer(ctx, 400, e.describe());
            return;
        }
        // A sampled caller trace becomes the exemplar of the token and cost counters this push moved.
        ledger.record(events, TraceParent.parse(ctx.request().getHeader("traceparent")).filter(TraceParent::sampled));
        ctx.response().setStatusCode(202).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("accepted", events.size()).encode());
    }

    /**
     * The body as text, refusing malformed UTF-8: decoded leniently, every bad sequence would become U+FFFD and
     * two different names the same series.
     */
    private static String utf8(Buffer body) throws InvalidUsage {
        if (body == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body.getBytes())).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidUsage("$", "the body is not valid UTF-8");
        }
    }

    private void failed(RoutingContext ctx) {
        int status = ctx.statusCode();
        if (status == 413) {
            answer(ctx, 413, IngestGate.tooLarge());
        } else if (status >= 400 && status < 500) {
            answer(ctx, status, "the request could not be read");
        } else if (!ctx.request().isEnded()) {
            // The client broke off or garbled its body (closed the connection, a bad chunk): its error, not
            // the server's, so it is answered (if it still listens) rather than logged as unhandled.
            answer(ctx, 400, "the request body could not be read");
        } else {
            ctx.next();
        }
    }

    /** True for NDJSON, false for JSON, empty for anything else (or a charset other than UTF-8). */
    static Optional<Boolean> mediaType(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String[] parts = header.toLowerCase(Locale.ROOT).split(";");
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.startsWith("charset=") && !p.substring(8).replace("\"", "").equals("utf-8")) {
                return Optional.empty();
            }
        }
        return switch (parts[0].trim()) {
            case "application/json" -> Optional.of(false);
            case "application/x-ndjson", "application/ndjson", "application/jsonl" -> Optional.of(true);
            default -> Optional.empty();
        };
    }

    private static void answer(RoutingContext ctx, int status, String message) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", message).encode());
    }
}
