package dev.vigil.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which share of the BullMQ queues this replica reads, when several replicas split one Redis's queues:
 * shard {@code index} of {@code count}, written {@code I/N}. {@code I} may also be a StatefulSet pod's name
 * ({@code vigil-2}), whose ordinal is the shard, so every pod can share one config file
 * ({@code shard: ${POD_NAME}/3}).
 */
public record ShardConfig(int index, int count) {
    /** Far more replicas than one Redis's queues need; bounds the shard label's values. */
    public static final int MAX_SHARDS = 1024;
    /** Not sharded: one Vigil reads every queue. */
    public static final ShardConfig WHOLE = new ShardConfig(0, 1);

    private static final Pattern FORM = Pattern.compile("(?:(\\d+)|.+-(\\d+))/(\\d+)");

    public boolean sharded() {
        return count > 1;
    }

    /** Shard 0 also reports what is not split by queue (Redis INFO, caches, PostgreSQL, LLM usage). */
    public boolean first() {
        return index == 0;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }

    static ShardConfig read(YamlSection section, String key) throws ConfigException {
        String text = section.string(key).map(String::trim).orElse(null);
        if (text == null) {
            return WHOLE;
        }
        Matcher m = FORM.matcher(text);
        if (!m.matches()) {
            throw section.error(key, "expected I/N, shard I (from 0) of N, or a StatefulSet pod name for I "
                    + "(e.g. 1/3, or ${POD_NAME}/3 for vigil-1/3); got '" + text + "'");
        }
        boolean ordinal = m.group(1) == null;
        int count = number(section, key, m.group(3), text);
        int index = number(section, key, ordinal ? m.group(2) : m.group(1), text);
        if (count < 1 || count > MAX_SHARDS) {
            throw section.error(key, "N must be between 1 and " + MAX_SHARDS + ", got '" + text + "'");
        }
        if (index >= count) {
            throw section.error(key, ordinal
                    ? "pod ordinal " + index + " has no shard among " + count + " ('" + text + "'): give N the StatefulSet's replica count"
                    : "shard " + index + " does not exist among " + count + ": I counts from 0 to " + (count - 1));
        }
        return new ShardConfig(index, count);
    }

    private static int number(YamlSection section, String key, String digits, String text) throws ConfigException {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw section.error(key, "number too large in '" + text + "'");
        }
    }
}
