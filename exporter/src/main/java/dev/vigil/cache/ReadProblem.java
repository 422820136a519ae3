package dev.vigil.cache;

import java.util.Locale;

/**
 * Why a number of an application cache could not be read, as a small fixed set so
 * {@code vigil_cache_read_errors_total{reason}} stays bounded. Each is reported for that cache only.
 */
enum ReadProblem {
    /** The hash, key or field is not there (a typo in the config, or the application has not written it yet). */
    MISSING,
    /** The value is not a number, or a count that is not whole. */
    NOT_A_NUMBER,
    /** A counter below zero: nothing a cache counts can be. */
    NEGATIVE,
    /** The key holds another type: a string where a hash was configured, or the reverse. */
    WRONG_TYPE;

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
