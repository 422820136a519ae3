package dev.vigil.llm.api;

import dev.vigil.poll.PollErrorReason;
import dev.vigil.poll.PollException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Fetches every page of a provider's usage or cost report: OpenAI and Anthropic both answer
 * {@code {data: [bucket...], has_more, next_page}} and take {@code page=<next_page>} for the next one.
 * Asynchronous (the JDK client), so a poll never blocks an event loop.
 */
final class ReportPages {
    /** A month of daily buckets is one or two pages; this bound only stops a provider that never says done. */
    static final int MAX_PAGES = 100;

    private final HttpClient http;
    private final Vertx vertx;
    private final Duration timeout;
    private final String[] headers;

    ReportPages(Vertx vertx, Duration timeout, String... headers) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
        this.vertx = vertx;
        this.timeout = timeout;
        this.headers = headers.clone();
    }

    /** All buckets of all pages, in order; {@code page} turns a next_page cursor into the next URI. */
    Future<List<JsonObject>> buckets(URI first, Function<String, URI> page) {
        CompletableFuture<List<JsonObject>> all = fetch(first, page, new ArrayList<>(), 1);
        return Future.fromCompletionStage(all, vertx.getOrCreateContext())
                .recover(e -> Future.failedFuture(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e));
    }

    private CompletableFuture<List<JsonObject>> fetch(URI uri, Function<String, URI> page, List<JsonObject> buckets, int n) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).headers(headers).GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .handle((response, error) -> {
                    if (error != null) {
                        throw failure(uri, error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
                    }
                    return response;
                })
                .thenCompose(response -> {
                    JsonObject body = body(uri, response);
                    JsonArray data = body.getJsonArray("data", new JsonArray());
                    data.forEach(b -> {
                        if (b instanceof JsonObject bucket) {
                            buckets.add(bucket);
                        }
                    });
                    String next = body.getValue("next_page") instanceof String s && !s.isEmpty() ? s : null;
                    if (!body.getBoolean("has_more", false) || next == null) {
                        return CompletableFuture.completedFuture(buckets);
                    }
                    if (n >= MAX_PAGES) {
                        throw new PollException(PollErrorReason.DATA, uri.getHost() + " still had more after " + MAX_PAGES + " pages", null);
                    }
                    return fetch(page.apply(next), page, buckets, n + 1);
                });
    }

    private static JsonObject body(URI uri, HttpResponse<String> response) {
        int status = response.statusCode();
        if (status != 200) {
            PollErrorReason reason = status == 401 || status == 403 ? PollErrorReason.AUTH : PollErrorReason.QUERY;
            String text = response.body() == null ? "" : response.body();
            throw new PollException(reason, uri.getPath() + " answered " + status
                    + (reason == PollErrorReason.AUTH ? " (check the admin key)" : "") + ": "
                    + (text.length() > 200 ? text.substring(0, 200) + "..." : text), null);
        }
        try {
            return new JsonObject(response.body());
        } catch (DecodeException | ClassCastException e) {
            throw new PollException(PollErrorReason.DATA, uri.getPath() + " answered something that is not a JSON object", e);
        }
    }

    private static PollException failure(URI uri, Throwable e) {
        if (e instanceof PollException p) {
            return p;
        }
        PollErrorReason reason = e instanceof HttpTimeoutException ? PollErrorReason.TIMEOUT
                : e instanceof IOException ? PollErrorReason.CONNECTION : PollErrorReason.INTERNAL;
        return new PollException(reason, uri.getHost() + uri.getPath() + ": " + e, e);
    }
}
