package dev.vigil.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.support.RunningExporter;
import dev.vigil.support.VigilProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The attacks that could tie up or knock over the HTTP server, from loopback clients against Vigil in its own
 * JVM with a 128 MiB heap that exits on OutOfMemoryError and 1,024 file descriptors: each is cut within its
 * deadline or refused with a 503, while a fresh /metrics connection keeps answering. The printed figures are
 * the report's; {@code -Dvigil.jar=...} runs the same attacks against another build.
 */
class ExhaustionIT {
    private static final String CONFIG = "llm: {}\n"; // the push endpoint, open on loopback without a token
    // A healthy scrape takes tens of milliseconds; the first one while 1,100 connections fill the fd table waits
    // for the over-cap ones to be cut (about 2.5 s here). Before these limits, no scrape answered at all.
    private static final int SCRAPE_BUDGET_MS = 5000;
    private static final int HEAD_TIMEOUT_S = 5;
    private static final int BODY_TIMEOUT_S = 15;
    private static final int BODY = 1024 * 1024;

    @Test
    void elevenHundredSilentConnectionsAreCutAndScrapesStillAnswer() throws Exception {
        try (VigilProcess vigil = VigilProcess.start(CONFIG, "128m", 1024)) {
            List<SocketChannel> attack = connect(vigil, 1100, c -> { });
            List<Long> scrapes = scrapeWhile(vigil, HEAD_TIMEOUT_S + 3);
            long held = open(attack);
            report("1,100 silent connections", attack.size(), held, scrapes, vigil);
            assertThat(held).as("connections still held after the head timeout").isZero();
            assertThat(scrapes).allMatch(ms -> ms < SCRAPE_BUDGET_MS);
            assertThat(vigil.scrape(SCRAPE_BUDGET_MS).scrape().require("vigil_http_refused_total", "reason", "request_head_timeout"))
                    .isEqualTo(attack.size());
            closeAll(attack);
        }
    }

    @Test
    void threeHundredSlowHeadsAreCutAtTheHeadTimeout() throws Exception {
        try (VigilProcess vigil = VigilProcess.start(CONFIG, "128m", 1024)) {
            List<SocketChannel> attack = connect(vigil, 300, c -> write(c, "GET / HTTP/1.1\r\nHost: vigil\r\n"));
            List<Long> scrapes = new ArrayList<>();
            long end = System.nanoTime() + (HEAD_TIMEOUT_S + 3) * 1_000_000_000L;
            int header = 0;
            while (System.nanoTime() < end) {
                String line = "X-Slow-" + header++ + ": x\r\n"; // one header a second: never silent, never done
                attack.forEach(c -> write(c, line));
                scrapes.add(vigil.scrape(10_000).millis());
                RunningExporter.sleep(1000);
            }
            long held = open(attack);
            report("300 slow heads", attack.size(), held, scrapes, vigil);
            assertThat(held).isZero();
            assertThat(scrapes).allMatch(ms -> ms < SCRAPE_BUDGET_MS);
            closeAll(attack);
        }
    }

    @Test
    void aHundredStalledPushesNeitherExhaustTheHeapNorStayOpen() throws Exception {
        try (VigilProcess vigil = VigilProcess.start(CONFIG, "128m", 1024)) {
            double heapBefore = vigil.scrape(SCRAPE_BUDGET_MS).heapBytes();
            // Declared 1 MiB, sent all but the last 1,000 bytes, then silence.
            List<SocketChannel> attack = connect(vigil, 100, c -> write(c, pushHead("Content-Length: " + BODY)));
            byte[] almost = new byte[BODY - 1000];
            Arrays.fill(almost, (byte) ' ');
            pump(attack, almost, 20);
            RunningExporter.sleep(2000);
            VigilProcess.TimedScrape during = vigil.scrape(10_000);
            List<Long> scrapes = scrapeWhile(vigil, BODY_TIMEOUT_S);
            scrapes.add(0, during.millis());
            long held = open(attack);
            report("100 stalled 1 MiB pushes", attack.size(), held, scrapes, vigil);
            System.out.printf("  heap used: %.1f MiB before, %.1f MiB with the bodies held%n", heapBefore / BODY, during.heapBytes() / BODY);
            assertThat(vigil.alive()).as("Vigil still running").isTrue();
            assertThat(held).isZero();
            assertThat(scrapes).allMatch(ms -> ms < SCRAPE_BUDGET_MS);
            // 16 MiB in flight: 16 bodies of 1 MiB are read (and cut at the body timeout), the other 84 refused at once.
            assertThat(during.scrape().require("vigil_http_refused_total", "reason", "max_push_bytes_in_flight")).isEqualTo(84.0);
            assertThat(during.heapBytes() - heapBefore).as("heap held by stalled bodies").isLessThan(48.0 * BODY);
            assertThat(vigil.scrape(SCRAPE_BUDGET_MS).scrape().require("vigil_http_refused_total", "reason", "request_body_timeout"))
                    .isEqualTo(16.0);
            closeAll(attack);
        }
    }

    @Test
    void anEndlessChunkedBodyAndAShortBodyAreCutAtTheBodyTimeout() throws Exception {
        try (VigilProcess vigil = VigilProcess.start(CONFIG, "128m", 1024)) {
            String event = "{\"provider\":\"openai\",\"model\":\"gpt-4o\",\"input_tokens\":1,\"output_tokens\":1}";
            SocketChannel chunked = connect(vigil, 1, c -> write(c, pushHead("Transfer-Encoding: chunked") + "10\r\n[" + event.substring(0, 15) + "\r\n")).get(0);
            SocketChannel shortBody = connect(vigil, 1, c -> write(c, pushHead("Content-Length: 1000") + event)).get(0);
            long start = System.nanoTime();
            while (open(List.of(chunked, shortBody)) > 0 && System.nanoTime() - start < (BODY_TIMEOUT_S + 10) * 1_000_000_000L) {
                write(chunked, "1\r\n \r\n"); // a byte every 200 ms: never silent, never finished
                RunningExporter.sleep(200);
            }
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            System.out.println("endless chunked body and short body: both cut after " + seconds + " s");
            assertThat(open(List.of(chunked, shortBody))).isZero();
            assertThat(seconds).isBetween((long) BODY_TIMEOUT_S - 1, (long) BODY_TIMEOUT_S + 2);
            assertThat(vigil.scrape(SCRAPE_BUDGET_MS).scrape().require("vigil_http_refused_total", "reason", "request_body_timeout"))
                    .isEqualTo(2.0);
            closeAll(List.of(chunked, shortBody));
        }
    }

    private static String pushHead(String lengthHeader) {
        return "POST /api/v1/llm/usage HTTP/1.1\r\nHost: vigil\r\nContent-Type: application/json\r\n" + lengthHeader + "\r\n\r\n";
    }

    private static List<SocketChannel> connect(VigilProcess vigil, int count, Consumer<SocketChannel> first) throws IOException {
        List<SocketChannel> channels = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", vigil.port()));
            c.configureBlocking(false);
            first.accept(c);
            channels.add(c);
        }
        return channels;
    }

    /** Scrapes once a second for this long; returns each scrape's time, or the budget's double for one that failed. */
    private static List<Long> scrapeWhile(VigilProcess vigil, int seconds) {
        List<Long> times = new ArrayList<>();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            try {
                times.add(vigil.scrape(2 * SCRAPE_BUDGET_MS).millis());
            } catch (IOException timedOut) {
                times.add(2L * SCRAPE_BUDGET_MS);
            }
            RunningExporter.sleep(1000);
        }
        return times;
    }

    /** Writes what the socket takes without blocking; the rest of a stalled client's data is simply not sent. */
    private static void write(SocketChannel c, String text) {
        try {
            c.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException closedByVigil) {
            // the server cut this client: what the test counts afterwards
        }
    }

    /** Sends the bytes on every channel, as far as each is read, for at most this many seconds. */
    private static void pump(List<SocketChannel> channels, byte[] bytes, int seconds) {
        List<ByteBuffer> left = channels.stream().map(c -> ByteBuffer.wrap(bytes)).toList();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        boolean more = true;
        while (more && System.nanoTime() < end) {
            more = false;
            for (int i = 0; i < channels.size(); i++) {
                try {
                    if (left.get(i).hasRemaining() && channels.get(i).write(left.get(i)) >= 0 && left.get(i).hasRemaining()) {
                        more = true;
                    }
                } catch (IOException closedByVigil) {
                    left.get(i).position(left.get(i).limit());
                }
            }
            RunningExporter.sleep(5);
        }
    }

    /** How many of the channels the server has not closed (a read gives end of stream or a reset once it has). */
    private static long open(List<SocketChannel> channels) {
        ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
        long open = 0;
        for (SocketChannel c : channels) {
            try {
                int n;
                do {
                    sink.clear();
                    n = c.read(sink);
                } while (n > 0);
                if (n == 0) {
                    open++;
                }
            } catch (IOException reset) {
                // closed by the server
            }
        }
        return open;
    }

    private static void closeAll(List<SocketChannel> channels) throws IOException {
        for (SocketChannel c : channels) {
            c.close();
        }
    }

    private static void report(String attack, int clients, long held, List<Long> scrapes, VigilProcess vigil) {
        List<Long> sorted = scrapes.stream().sorted().toList();
        System.out.printf("%s: %d of %d still held at the end; /metrics under attack: median %d ms, max %d ms over %d scrapes; Vigil %s%n",
                attack, held, clients, sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), sorted.size(),
                vigil.alive() ? "running" : "exited:\n" + vigil.log());
    }
}
