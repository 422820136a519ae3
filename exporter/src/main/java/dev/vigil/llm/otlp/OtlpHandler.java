package dev.vigil.llm.otlp;

import dev.vigil.llm.IngestGate;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * OTLP/HTTP ({@code POST /v1/traces}, {@code POST /v1/metrics}) as the specification describes it
 * (https://opentelemetry.io/docs/specs/otlp/#otlphttp): protobuf or JSON bodies, optionally gzip, answered
 * with the export response and its partial success, errors as a {@code google.rpc.Status} in the request's
 * encoding. Who may send and how much is the {@link IngestGate}'s rule, the same as for the push API.
 */
public final class OtlpHandler {
    static final String TRACES_PATH = "/v1/traces";
    static final String METRICS_PATH = "/v1/metrics";
    private static final String PROTOBUF = "application/x-protobuf";
    private static final String JSON = "application/json";

    private final OtlpIngest ingest;
    private final IngestGate gate;

    public OtlpHandler(OtlpIngest ingest, IngestGate gate) {
        this.ingest = ingest;
        this.gate = gate;
    }

    public void mount(Router router) {
        mount(router, TRACES_PATH, OtlpCounters.TRACES);
        mount(router, METRICS_PATH, OtlpCounters.METRICS);
    }

    private void mount(Router router, String path, String signal) {
        // As for the push API: token, media type and encoding are checked before any of the body is read.
        router.post(path).handler(ctx -> admit(ctx, signal));
        router.post(path).handler(gate.bodyHandler()).handler(ctx -> receive(ctx, signal)).failureHandler(ctx -> failed(ctx, signal));
    }

    private void admit(RoutingContext ctx, String signal) {
        String type = mediaType(ctx.request().getHeader("Content-Type"));
        boolean json = type.equals(JSON);
        ctx.put("json", json);
        Optional<IngestGate.Refusal> refusal = gate.refusal(ctx.request());
        if (refusal.isPresent()) {
            refuse(ctx, signal, refusal.get().status(), refusal.get().message());
        } else if (!json && !type.equals(PROTOBUF)) {
            refuse(ctx, signal, 415, "send Content-Type: application/x-protobuf or application/json (OTLP/HTTP)");
        } else if (!encoding(ctx).equals("identity") && !encoding(ctx).equals("gzip")) {
            refuse(ctx, signal, 415, "Content-Encoding must be gzip or absent");
        } else {
            ctx.next();
        }
    }

    private void receive(RoutingContext ctx, String signal) {
        boolean json = Boolean.TRUE.equals(ctx.get("json"));
        byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
        OtlpIngest.Outcome outcome;
        try {
            if (encoding(ctx).equals("gzip")) {
                body = gunzip(body);
            }
            outcome = signal.equals(OtlpCounters.TRACES)
                    ? ingest.spans(json ? JsonBodies.spans(Buffer.buffer(body)) : ProtobufBodies.spans(body))
                    : ingest.points(json ? JsonBodies.tokenPoints(Buffer.buffer(body)) : ProtobufBodies.tokenPoints(body));
        } catch (TooLarge e) {
            refuse(ctx, signal, 413, IngestGate.tooLarge() + " (after gzip decompression)");
            return;
        } catch (MalformedOtlp e) {
            refuse(ctx, signal, 400, e.getMessage());
            return;
        }
        ctx.response().setStatusCode(200).putHeader("Content-Type", json ? JSON : PROTOBUF)
                .end(json ? jsonResponse(signal, outcome) : Buffer.buffer(ProtobufBodies.response(outcome.rejected(), outcome.message())));
    }

    private void failed(RoutingContext ctx, String signal) {
        int status = ctx.statusCode();
        if (status == 413) {
            refuse(ctx, signal, 413, IngestGate.tooLarge());
        } else if (status >= 400 && status < 500) {
            refuse(ctx, signal, status, "the request could not be read");
        } else {
            ctx.next();
        }
    }

    private void refuse(RoutingContext ctx, String signal, int status, String message) {
        if (ctx.response().ended()) {
            return;
        }
        ingest.refused(signal, status);
        boolean json = Boolean.TRUE.equals(ctx.get("json"));
        // OTLP leaves google.rpc.Status.code out of HTTP answers; the message is what a sender logs.
        ctx.response().setStatusCode(status).putHeader("Content-Type", json ? JSON : PROTOBUF)
                .end(json ? Buffer.buffer(new JsonObject().put("message", message).encode())
                        : Buffer.buffer(ProtobufBodies.status(message)));
    }

    private static Buffer jsonResponse(String signal, OtlpIngest.Outcome outcome) {
        JsonObject response = new JsonObject();
        if (outcome.rejected() > 0) {
            // int64 as a string, as OTLP/JSON writes it.
            response.put("partialSuccess", new JsonObject()
                    .put(signal.equals(OtlpCounters.TRACES) ? "rejectedSpans" : "rejectedDataPoints", Long.toString(outcome.rejected()))
                    .put("errorMessage", outcome.message()));
        }
        return Buffer.buffer(response.encode());
    }

    /**
     * Inflates at most the body limit: the gate bounds what arrives, this bounds what it expands to, so a
     * small gzip bomb costs no more than an honest body of the limit's size.
     */
    private static byte[] gunzip(byte[] body) throws TooLarge, MalformedOtlp {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body), 8192)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[8192];
            int n;
            while ((n = in.read(chunk)) > 0) {
                out.write(chunk, 0, n);
                if (out.size() > IngestGate.MAX_BODY_BYTES) {
                    throw new TooLarge();
                }
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new MalformedOtlp("Content-Encoding is gzip but the body is not valid gzip");
        }
    }

    private static String encoding(RoutingContext ctx) {
        String header = ctx.request().getHeader("Content-Encoding");
        return header == null || header.isBlank() ? "identity" : header.trim().toLowerCase(Locale.ROOT);
    }

    private static String mediaType(String header) {
        return header == null ? "" : header.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    }

    private static final class TooLarge extends Exception {
        TooLarge() {
            super(null, null, false, false);
        }
    }
}
