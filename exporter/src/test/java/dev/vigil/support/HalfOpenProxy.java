package dev.vigil.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy in front of a real server whose {@link #cut()} makes the connections open at that moment
 * half-open: both sockets stay open, but nothing sent either way arrives any more, as when a NAT or firewall
 * between them forgets the flow. Connections made after the cut pass normally.
 */
public final class HalfOpenProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int upstreamPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<AtomicBoolean> flows = new CopyOnWriteArrayList<>();

    public HalfOpenProxy(int upstreamPort) {
        this.upstreamPort = upstreamPort;
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        start(this::accept);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** From now on, bytes of the connections open now are swallowed instead of passed on. */
    public void cut() {
        flows.forEach(f -> f.set(false));
    }

    private void accept() {
        try {
            while (true) {
                Socket client = listener.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                sockets.addAll(List.of(client, upstream));
                AtomicBoolean flowing = new AtomicBoolean(true);
                flows.add(flowing);
                start(() -> pump(client, upstream, flowing));
                start(() -> pump(upstream, client, flowing));
            }
        } catch (IOException closed) {
            // the listener was closed
        }
    }

    private static void pump(Socket from, Socket to, AtomicBoolean flowing) {
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buf)) > 0; ) {
                if (flowing.get()) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            }
        } catch (IOException closed) {
            // either side went away
        }
    }

    private static void start(Runnable r) {
        Thread t = new Thread(r, "half-open-proxy");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
