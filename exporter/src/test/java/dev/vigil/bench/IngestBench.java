package dev.vigil.bench;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark, not a test: LLM calls per second that a running Vigil takes in, over the push API (JSON) and over
 * OTLP (protobuf and JSON), one call per request and 100 per request, from a few concurrent clients. Run by
 * {@code bench/ingest.sh}, which starts Vigil; prints one line per figure. Client and server share the machine,
 * so the figures are a floor for Vigil alone and meaningful side by side.
 */
public final class IngestBench {
    private static final int CLIENTS = 4;
    private static final long WARMUP_MS = 3_000;
    private static final long MEASURE_MS = 10_000;

    private record Mode(String name, String path, String contentType, int callsPerRequest, byte[] body) {
    }

    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : "http://127.0.0.1:9748";
        List<Mode> modes = List.of(
                new Mode("push JSON, 1 call per request", "/api/v1/llm/usage", "application/json", 1, pushJson(1)),
                new Mode("push JSON, 100 calls per request", "/api/v1/llm/usage", "application/json", 100, pushJson(100)),
                new Mode("OTLP protobuf, 1 span per request", "/v1/traces", "application/x-protobuf", 1, otlp(1).toByteArray()),
                new Mode("OTLP protobuf, 100 spans per request", "/v1/traces", "application/x-protobuf", 100, otlp(100).toByteArray()),
                new Mode("OTLP JSON, 100 spans per request", "/v1/traces", "application/json", 100, otlpJson(100)));
        System.out.printf("machine: %1$d cores; %2$d client threads on the same machine; every path warmed up for %4$d s first,"
                + " then %3$d s per figure after %4$d s warm-up%n",
                Runtime.getRuntime().availableProcessors(), CLIENTS, MEASURE_MS / 1000, WARMUP_MS / 1000);
        // Every path once before any figure: the first figure measured on a freshly started Vigil came out at a
        // third of the same requests measured later (the JIT's warm-up, Vigil's and the client's), so push, measured
        // first, looked three times slower than OTLP.
        for (Mode mode : modes) {
            run(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), base, mode, 0);
        }
        for (Mode mode : modes) {
            // One client and one run per figure, the warm-up counted out by time rather than run apart: with a pause
            // between two runs on one JDK client, a request at the restart failed now and then with "header parser
            // received no bytes" (cause: "connection closed locally", the client's pool closing a connection it was
            // handing out), while raw sockets and Python clients saw no stray byte or early close from Vigil.
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Result r = run(http, base, mode, MEASURE_MS);
            double seconds = MEASURE_MS / 1000.0;
            System.out.printf("%-40s %9.0f calls/s  %8.0f requests/s  (%d bytes per request)%s%n", mode.name(),
                    r.answered() * mode.callsPerRequest() / seconds, r.answered() / seconds, mode.body().length,
                    r.failed() == 0 ? "" : "; " + r.failed() + " requests failed in the client, the first: " + r.firstFailure());
        }
    }

    private record Result(long answered, long failed, String firstFailure) {
    }

    /**
     * Requests answered 2xx by all clients after the warm-up, over the measured time. An answer other than 2xx
     * stops the run (Vigil refused); a request that fails in the client is counted, and printed, but not retried.
     */
    private static Result run(HttpClient http, String base, Mode mode, long measureMs) throws InterruptedException {
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long measureFrom = System.currentTimeMillis() + WARMUP_MS;
        long end = measureFrom + measureMs;
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + mode.path())).header("Content-Type", mode.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(mode.body())).build();
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        String[] firstFailure = {""};
        for (int i = 0; i < CLIENTS; i++) {
            Thread client = new Thread(() -> {
                try {
                    long now;
                    while ((now = System.currentTimeMillis()) < end) {
                        HttpResponse<String> r;
                        try {
                            r = http.send(request, HttpResponse.BodyHandlers.ofString());
                        } catch (IOException e) {
                            // Counted over the measured window only, as the answered requests are.
                            if (now >= measureFrom && failed.getAndIncrement() == 0) {
                                firstFailure[0] = e.toString() + (e.getCause() == null ? "" : " (" + e.getCause() + ")");
                            }
                            Thread.sleep(10);
                            continue;
                        }
                        if (r.statusCode() / 100 != 2) {
                            throw new IllegalStateException(mode.name() + ": " + r.statusCode() + " " + r.body());
                        }
                        if (now >= measureFrom) {
                            done.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            client.start();
            threads.add(client);
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.get(0));
        }
        return new Result(done.get(), failed.get(), firstFailure[0]);
    }

    private static byte[] pushJson(int calls) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < calls; i++) {
            out.append(i == 0 ? "" : ",").append("{\"provider\":\"openai\",\"model\":\"gpt-4o-mini\",\"input_tokens\":1200,")
                    .append("\"cached_input_tokens\":200,\"output_tokens\":300,\"duration_ms\":850,\"status\":\"ok\",\"tenant\":\"t")
                    .append(i % 20).append("\"}");
        }
        return out.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** GenAI client spans as the instrumentations write them, with ten attributes each. */
    private static ExportTraceServiceRequest otlp(int spans) {
        ScopeSpans.Builder scope = ScopeSpans.newBuilder();
        long now = System.currentTimeMillis() * 1_000_000L;
        for (int i = 0; i < spans; i++) {
            byte[] trace = new byte[16];
            byte[] span = new byte[8];
            ThreadLocalRandom.current().nextBytes(trace);
            ThreadLocalRandom.current().nextBytes(span);
            scope.addSpans(Span.newBuilder().setTraceId(ByteString.copyFrom(trace)).setSpanId(ByteString.copyFrom(span))
                    .setName("chat gpt-4o-mini").setKind(Span.SpanKind.SPAN_KIND_CLIENT)
                    .setStartTimeUnixNano(now - 850_000_000L).setEndTimeUnixNano(now)
                    .addAttributes(string("gen_ai.operation.name", "chat")).addAttributes(string("gen_ai.provider.name", "openai"))
                    .addAttributes(string("gen_ai.request.model", "gpt-4o-mini")).addAttributes(string("gen_ai.response.model", "gpt-4o-mini-2024-07-18"))
                    .addAttributes(integer("gen_ai.usage.input_tokens", 1200)).addAttributes(integer("gen_ai.usage.output_tokens", 300))
                    .addAttributes(integer("gen_ai.usage.cache_read.input_tokens", 200)).addAttributes(string("gen_ai.response.id", "chatcmpl-" + i))
                    .addAttributes(string("server.address", "api.example.test")).addAttributes(string("app.tenant_id", "t" + i % 20)));
        }
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(string("service.name", "chat-api")).addAttributes(string("service.instance.id", "pod-1")))
                .addScopeSpans(scope)).build();
    }

    /** The same spans in OTLP/JSON. */
    private static byte[] otlpJson(int spans) {
        StringBuilder out = new StringBuilder("{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"chat-api\"}}]},\"scopeSpans\":[{\"spans\":[");
        long now = System.currentTimeMillis() * 1_000_000L;
        for (int i = 0; i < spans; i++) {
            out.append(i == 0 ? "" : ",").append("{\"traceId\":\"").append(String.format("%032x", i + 1)).append("\",\"spanId\":\"")
                    .append(String.format("%016x", i + 1)).append("\",\"name\":\"chat gpt-4o-mini\",\"kind\":3,\"startTimeUnixNano\":\"")
                    .append(now - 850_000_000L).append("\",\"endTimeUnixNano\":\"").append(now).append("\",\"attributes\":[")
                    .append(jsonAttr("gen_ai.operation.name", "\"stringValue\":\"chat\"")).append(',')
                    .append(jsonAttr("gen_ai.provider.name", "\"stringValue\":\"openai\"")).append(',')
                    .append(jsonAttr("gen_ai.request.model", "\"stringValue\":\"gpt-4o-mini\"")).append(',')
                    .append(jsonAttr("gen_ai.response.model", "\"stringValue\":\"gpt-4o-mini-2024-07-18\"")).append(',')
                    .append(jsonAttr("gen_ai.usage.input_tokens", "\"intValue\":\"1200\"")).append(',')
                    .append(jsonAttr("gen_ai.usage.output_tokens", "\"intValue\":\"300\"")).append(',')
                    .append(jsonAttr("gen_ai.usage.cache_read.input_tokens", "\"intValue\":\"200\"")).append(',')
                    .append(jsonAttr("gen_ai.response.id", "\"stringValue\":\"chatcmpl-" + i + "\"")).append(',')
                    .append(jsonAttr("server.address", "\"stringValue\":\"api.example.test\"")).append(',')
                    .append(jsonAttr("app.tenant_id", "\"stringValue\":\"t" + i % 20 + "\"")).append("]}");
        }
        return out.append("]}]}]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String jsonAttr(String key, String value) {
        return "{\"key\":\"" + key + "\",\"value\":{" + value + "}}";
    }

    private static KeyValue string(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    private static KeyValue integer(String key, long value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
    }
}
