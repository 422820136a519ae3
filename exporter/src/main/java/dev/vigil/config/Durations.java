package dev.vigil.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as written in the config: {@code 500ms}, {@code 5s}, {@code 1m}, {@code 1h}, or a sum such as {@code 1m30s}. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    /** Ten years: longer than any interval or window means anything, short enough that no clock arithmetic overflows. */
    static final Duration LONGEST = Duration.ofDays(3650);

    private Durations() {
    }

    /** Returns the duration, or throws IllegalArgumentException with a message naming the accepted forms. */
    public static Duration parse(String text) {
        String s = text.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty duration; write it like 500ms, 5s, 1m or 1h");
        }
        Matcher m = PART.matcher(s);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            total = total.plus(part(m.group(1), m.group(2), s));
            end = m.end();
        }
        if (end != s.length()) {
            throw new IllegalArgumentException("'" + s + "' is not a duration; write it like 500ms, 5s, 1m or 1h");
        }
        if (total.compareTo(LONGEST) > 0) {
            throw tooLong(s);
        }
        return total;
    }

    private static Duration part(String digits, String unit, String whole) {
        // Any part beyond the bound makes the whole too long; checked before Duration's arithmetic can overflow.
        if (digits.length() > 12) {
            throw tooLong(whole);
        }
        long n = Long.parseLong(digits);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private static IllegalArgumentException tooLong(String text) {
        return new IllegalArgumentException("'" + text + "' is longer than " + LONGEST.toDays() + "d, the longest duration Vigil takes");
    }

    /** The shortest config form of a duration, for summaries. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
