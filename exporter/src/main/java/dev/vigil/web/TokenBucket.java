package dev.vigil.web;

import java.time.Duration;

/** The web config's {@code rate_limit}: {@code burst} requests at once, then one more per {@code interval}. */
final class TokenBucket {
    private final long intervalNanos;
    private final int burst;
    private double tokens;
    private long last = System.nanoTime();

    TokenBucket(Duration interval, int burst) {
        this.intervalNanos = interval.toNanos();
        this.burst = burst;
        this.tokens = burst;
    }

    synchronized boolean take() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (double) (now - last) / intervalNanos);
        last = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
