package dev.vigil.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of a real Redis that holds back the reply to every SCAN by a fixed delay, the way a
 * SCAN pass over millions of keys takes its time, while every other command passes at once.
 */
public final class SlowScanProxy implements AutoCloseable {
    private static final byte[] SCAN = "\r\nSCAN\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket listener;
    private final int upstreamPort;
    private final long delayMs;
    private final AtomicInteger scans = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    public SlowScanProxy(int upstreamPort, long delayMs) {
        this.upstreamPort = upstreamPort;
        this.delayMs = delayMs;
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        daemon(this::accept);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** SCAN commands seen so far. */
    public int scans() {
        return scans.get();
    }

    private void accept() {
        try {
            while (true) {
                Socket client = listener.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                sockets.add(client);
                sockets.add(upstream);
                AtomicBoolean scanPending = new AtomicBoolean();
                daemon(() -> pump(client, upstream, scanPending, true));
                daemon(() -> pump(upstream, client, scanPending, false));
            }
        } catch (IOException closed) {
            // listener closed
        }
    }

    private void pump(Socket from, Socket to, AtomicBoolean scanPending, boolean request) {
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                if (request && contains(buf, n, SCAN)) {
                    scans.incrementAndGet();
                    scanPending.set(true);
                } else if (!request && scanPending.getAndSet(false)) {
                    Thread.sleep(delayMs);
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException | InterruptedException closed) {
            // either side went away
        }
    }

    private static boolean contains(byte[] buf, int length, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (Character.toUpperCase(buf[i + j]) != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "slow-scan-proxy");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
