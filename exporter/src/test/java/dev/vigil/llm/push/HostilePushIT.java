package dev.vigil.llm.push;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.RunningExporter;
import dev.vigil.support.Scrape;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an attacker or a buggy client can send: every request gets a 4xx and no counter moves. */
class HostilePushIT {
    private static final String TOKEN = "hostile-test-token";
    private static final String GOOD = "{\"provider\":\"openai\",\"model\":\"gpt-4o-mini\",\"input_tokens\":100,\"output_tokens\":10}";

    @TempDir
    Path dir;

    /** One request: body, content type (null: none), whether to send the right token. */
    private record Attempt(String kind, byte[] body, String contentType, boolean authorized) {
        static Attempt json(String kind, String body) {
            return new Attempt(kind, body.getBytes(StandardCharsets.UTF_8), "application/json", true);
        }
    }

    /** Replaces one field of a good event with a bad value, inside an array of otherwise good events. */
    private static String withField(Random random, String field, String value) {
        String bad = GOOD.replaceFirst("\"" + field + "\":[^,}]*", java.util.regex.Matcher.quoteReplacement("\"" + field + "\":" + value));
        if (!bad.contains("\"" + field + "\"")) {
            bad = GOOD.substring(0, GOOD.length() - 1) + ",\"" + field + "\":" + value + "}";
        }
        List<String> events = new ArrayList<>();
        int size = 1 + random.nextInt(5);
        for (int i = 0; i < size; i++) {
            events.add(GOOD);
        }
        events.set(random.nextInt(size), bad);
        return "[" + String.join(",", events) + "]";
    }

    private static List<Function<Random, Attempt>> generators() {
        String[] badNumbers = {"-1", "1.5", "1e30", "99999999999999999999", "9223372036854775808", "1000000001", "\"100\"",
            "true", "[1]", "{\"n\":1}", "NaN", "Infinity", "-0.5", "0x10"};
        // Bad for both; a provider is also a plain name, while a model name may hold spaces and slashes.
        String[] badStrings = {"1", "true", "[]", "{}", "\"\"", "\"   \"", "\"" + "x".repeat(300) + "\"", "\"a\\u0000b\"",
            "\"line\\nbreak\"", "\"open ai!\"", "\"../../etc/passwd\""};
        return List.of(
                r -> Attempt.json("truncated", GOOD.substring(0, 1 + r.nextInt(GOOD.length() - 1))),
                r -> Attempt.json("bad token count", withField(r, List.of("input_tokens", "output_tokens", "cached_input_tokens",
                        "cache_write_tokens").get(r.nextInt(4)), badNumbers[r.nextInt(badNumbers.length)])),
                r -> Attempt.json("bad provider/model", r.nextBoolean()
                        ? withField(r, "provider", badStrings[r.nextInt(badStrings.length)])
                        : withField(r, "model", badStrings[r.nextInt(badStrings.length - 2)])),
                r -> Attempt.json("bad cost/duration", withField(r, r.nextBoolean() ? "cost_usd" : "duration_ms",
                        List.of("-1", "\"0.1\"", "1e400", "100000000000", "true", "{}", "-1e-9").get(r.nextInt(7)))),
                r -> {
                    String field = List.of("status", "operation", "tenant", "labels").get(r.nextInt(4));
                    List<String> bad = switch (field) {
                        case "status" -> List.of("\"maybe\"", "42", "\"\"");
                        case "labels" -> List.of("{\"Bad Name\":\"x\"}", "[\"x\"]", "{\"a\":1}", "\"tenant=a\"");
                        default -> List.of("42", "{}", "\"" + "t".repeat(200) + "\"");
                    };
                    return Attempt.json("bad status/operation/labels", withField(r, field, bad.get(r.nextInt(bad.size()))));
                },
                r -> Attempt.json("unknown field", withField(r, "input_token", "5")),
                r -> Attempt.json("missing field", withField(r, r.nextBoolean() ? "provider" : "model", "null")),
                r -> Attempt.json("cached above input", withField(r, "cached_input_tokens", Integer.toString(101 + r.nextInt(1000)))),
                r -> Attempt.json("usage and fields", withField(r, "usage", "{\"prompt_tokens\":5}")),
                r -> Attempt.json("bad usage", GOOD.replaceFirst("\"input_tokens\":100,\"output_tokens\":10",
                        List.of("\"usage\":{}", "\"usage\":[1]", "\"usage\":{\"prompt_tokens\":-5}", "\"usage\":{\"input_tokens\":\"x\"}",
                                "\"usage\":{\"prompt_tokens\":1,\"prompt_tokens_details\":{\"cached_tokens\":9}}", "\"usage\":5").get(r.nextInt(6)))),
                r -> Attempt.json("no tokens", "{\"provider\":\"openai\",\"model\":\"gpt-4o\"}"),
                r -> Attempt.json("not an event", List.of("", " ", "null", "42", "\"text\"", "[]", "[1,2]", "[[]]", "{}", "[null]",
                        "{\"provider\":\"openai\"", GOOD + GOOD, GOOD + "x").get(r.nextInt(13))),
                r -> Attempt.json("deep nesting", "[".repeat(1000 + r.nextInt(200_000)) + "]".repeat(r.nextInt(3))),
                r -> Attempt.json("deep usage", GOOD.replaceFirst("\"input_tokens\":100", "\"usage\":" + "{\"a\":".repeat(5000) + "1" + "}".repeat(5000))),
                r -> new Attempt("ndjson with a bad line", (GOOD + "\n" + GOOD.replace("100", "-100") + "\n" + GOOD).getBytes(StandardCharsets.UTF_8),
                        "application/x-ndjson", true),
                r -> new Attempt("too large", ("[" + (GOOD + ",").repeat(2 * 1024 * 1024 / GOOD.length()) + GOOD + "]").getBytes(StandardCharsets.UTF_8),
                        "application/json", true),
                r -> new Attempt("wrong content type", GOOD.getBytes(StandardCharsets.UTF_8), List.of("text/plain", "application/xml",
                        "application/json; charset=iso-8859-1", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded").get(r.nextInt(5)), true),
                r -> new Attempt("no content type", GOOD.getBytes(StandardCharsets.UTF_8), null, true),
                r -> new Attempt("no or wrong token", GOOD.getBytes(StandardCharsets.UTF_8), "application/json", false),
                r -> {
                    byte[] junk = new byte[1 + r.nextInt(4096)];
                    r.nextBytes(junk);
                    return new Attempt("random bytes", junk, "application/json", true);
                });
    }

    @Test
    void aThousandHostileBodiesAllGet4xxAndNoCounterMoves() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, TOKEN);
        try (RunningExporter vigil = RunningExporter.start("llm:\n  labels: [tenant]\n  push:\n    token_file: " + token + "\n")) {
            PushClient push = new PushClient(vigil);
            Scrape before = vigil.scrape();
            Random random = new Random(20261123);
            List<Function<Random, Attempt>> generators = generators();
            Map<String, Integer> counts = new java.util.TreeMap<>();
            for (int i = 0; i < 1000; i++) {
                Attempt a = generators.get(i % generators.size()).apply(random);
                List<String> headers = new ArrayList<>();
                if (a.contentType() != null) {
                    headers.addAll(List.of("Content-Type", a.contentType()));
                }
                headers.addAll(List.of("Authorization", a.authorized() ? "Bearer " + TOKEN : i % 2 == 0 ? "Bearer nope" : "Basic Zm9vOmJhcg=="));
                HttpResponse<String> r = push.post(a.body(), headers.toArray(String[]::new));
                assertThat(r.statusCode()).as("%s #%d: %s", a.kind(), i, r.body()).isBetween(400, 499);
                assertThat(r.body()).as(a.kind()).doesNotContain(TOKEN);
                counts.merge(a.kind() + " " + r.statusCode(), 1, Integer::sum);
            }
            System.out.println("hostile push answers: " + counts);

            Scrape after = vigil.scrape();
            for (String family : List.of("llm_tokens_total", "llm_cost_usd_total", "llm_requests_total", "llm_unpriced_tokens_total",
                    "llm_request_duration_seconds_count")) {
                assertThat(after.hasFamily(family)).as(family).isFalse();
            }
            assertThat(after.require("llm_spend_usd", "period", "day")).isEqualTo(0.0);
            assertThat(after.require("vigil_labels_overflow_total", "label", "model")).isEqualTo(0.0);
            assertThat(after.require("vigil_labels_overflow_total", "label", "tenant")).isEqualTo(0.0);
            assertThat(before.hasFamily("llm_tokens_total")).isFalse();

            // The endpoint still works after all that, and counts exactly what a good client sends.
            assertThat(push.post(GOOD.getBytes(StandardCharsets.UTF_8), "Content-Type", "application/json", "Authorization", "Bearer " + TOKEN)
                    .statusCode()).isEqualTo(202);
            assertThat(vigil.scrape().require("llm_tokens_total", "provider", "openai", "model", "gpt-4o-mini", "type", "input", "tenant", ""))
                    .isEqualTo(100.0);
        }
    }

    @Test
    void aHundredThousandModelNamesStayUnderTheCap() {
        try (RunningExporter vigil = RunningExporter.start("llm: {}\n")) {
            PushClient push = new PushClient(vigil);
            int batch = 5000;
            for (int start = 0; start < 100_000; start += batch) {
                StringBuilder body = new StringBuilder("[");
                for (int i = start; i < start + batch; i++) {
                    body.append(i == start ? "" : ",").append("{\"provider\":\"openai\",\"model\":\"model-").append(i)
                            .append("\",\"input_tokens\":3,\"output_tokens\":1}");
                }
                HttpResponse<String> r = push.json(body.append(']').toString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            }
            Scrape s = vigil.scrape();
            long tokenSeries = s.series().keySet().stream().filter(k -> k.startsWith("llm_tokens_total{")).count();
            // 100 named models and "other", four token types each
            assertThat(tokenSeries).isEqualTo(101 * 4);
            assertThat(s.require("vigil_labels_overflow_total", "label", "model")).isEqualTo(99_900.0);
            assertThat(s.require("llm_tokens_total", "provider", "openai", "model", "other", "type", "input")).isEqualTo(3 * 99_900.0);
            assertThat(s.require("llm_tokens_total", "provider", "openai", "model", "model-99", "type", "input")).isEqualTo(3.0);
            assertThat(s.require("llm_unpriced_tokens_total", "provider", "openai", "model", "other")).isEqualTo(4 * 99_900.0);
            assertThat(s.series().keySet().stream().filter(k -> k.startsWith("llm_requests_total{")).count()).isEqualTo(101);
        }
    }
}
