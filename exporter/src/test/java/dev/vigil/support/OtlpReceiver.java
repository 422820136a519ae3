package dev.vigil.support;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An OTLP trace receiver inside the test suite, for both transports: HTTP ({@code POST /v1/traces},
 * protobuf body) and gRPC (the TraceService/Export method over cleartext HTTP/2, length-prefixed messages).
 * It decodes what Vigil really sends with the OTLP protobuf classes.
 */
public final class OtlpReceiver implements AutoCloseable {
    private static final String GRPC_PATH = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

    public record Received(Resource resource, Span span) {
        public String traceId() {
            return HexFormat.of().formatHex(span.getTraceId().toByteArray());
        }

        public String spanId() {
            return HexFormat.of().formatHex(span.getSpanId().toByteArray());
        }

        public String parentSpanId() {
            return HexFormat.of().formatHex(span.getParentSpanId().toByteArray());
        }

        public String attribute(String key) {
            return span.getAttributesList().stream().filter(a -> a.getKey().equals(key)).findFirst()
                    .map(a -> a.getValue().hasIntValue() ? Long.toString(a.getValue().getIntValue())
                            : a.getValue().hasBoolValue() ? Boolean.toString(a.getValue().getBoolValue())
                            : a.getValue().getStringValue())
                    .orElse(null);
        }

        public String resourceAttribute(String key) {
            return resource.getAttributesList().stream().filter(a -> a.getKey().equals(key)).findFirst()
                    .map(a -> a.getValue().getStringValue()).orElse(null);
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final List<Received> spans = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger grpcRequests = new AtomicInteger();
    private final List<Map<String, String>> headers = new CopyOnWriteArrayList<>();

    public OtlpReceiver() {
        server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1").await();
    }

    public String httpEndpoint() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    public int requests() {
        return requests.get();
    }

    public int grpcRequests() {
        return grpcRequests.get();
    }

    /** The headers of every request received, names in lower case. */
    public List<Map<String, String>> headers() {
        return List.copyOf(headers);
    }

    public List<Received> spans() {
        return List.copyOf(spans);
    }

    /** Waits until a received span matches; fails after the timeout, listing what arrived. */
    public Received await(Duration timeout, Predicate<Received> match) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Received r : spans) {
                if (match.test(r)) {
                    return r;
                }
            }
            RunningExporter.sleep(100);
        }
        throw new AssertionError("no matching span within " + timeout + "; received: "
                + spans.stream().map(r -> r.span().getName()).toList());
    }

    private void handle(HttpServerRequest request) {
        requests.incrementAndGet();
        Map<String, String> h = new java.util.TreeMap<>();
        request.headers().forEach(e -> h.put(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue()));
        headers.add(h);
        request.body().onSuccess(body -> {
            try {
                if (request.path().equals(GRPC_PATH)) {
                    grpcRequests.incrementAndGet();
                    // gRPC message: 1 byte compressed flag, 4 bytes length, then the protobuf.
                    collect(ExportTraceServiceRequest.parseFrom(body.getBytes(5, body.length())));
                    byte[] reply = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                    request.response().putHeader("content-type", "application/grpc")
                            .write(Buffer.buffer().appendByte((byte) 0).appendInt(reply.length).appendBytes(reply));
                    request.response().putTrailer("grpc-status", "0").end();
                } else if (request.path().equals("/v1/traces")) {
                    collect(ExportTraceServiceRequest.parseFrom(body.getBytes()));
                    request.response().putHeader("content-type", "application/x-protobuf")
                            .end(Buffer.buffer(ExportTraceServiceResponse.getDefaultInstance().toByteArray()));
                } else {
                    request.response().setStatusCode(404).end();
                }
            } catch (Exception e) {
                request.response().setStatusCode(400).end(e.toString());
            }
        });
    }

    private void collect(ExportTraceServiceRequest export) {
        for (ResourceSpans rs : export.getResourceSpansList()) {
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span s : ss.getSpansList()) {
                    spans.add(new Received(rs.getResource(), s));
                }
            }
        }
    }

    @Override
    public void close() {
        vertx.close().await();
    }
}
