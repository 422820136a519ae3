package dev.vigil.poll;

import java.util.Locale;

/**
 * Why a poll failed, as a small fixed set so {@code vigil_source_poll_errors_total{reason}} stays bounded
 * and never carries raw error text.
 */
public enum PollErrorReason {
    /** The poll took longer than the source's timeout. */
    TIMEOUT,
    /** The server could not be reached or the connection broke. */
    CONNECTION,
    /** The server refused our credentials or permissions. */
    AUTH,
    /** The server answered a command or query with an error. */
    QUERY,
    /** The server answered, but with data Vigil could not read. */
    DATA,
    /** A bug in Vigil. */
    INTERNAL;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
