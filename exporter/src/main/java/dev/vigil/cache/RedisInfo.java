package dev.vigil.cache;

import dev.vigil.poll.PollErrorReason;
import dev.vigil.poll.PollException;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code INFO} reply: its {@code name:value} fields, and the keyspace section's
 * {@code db0:keys=3,expires=1,avg_ttl=0} lines by database number.
 * See https://redis.io/docs/latest/commands/info/.
 */
record RedisInfo(Map<String, String> fields, SortedMap<Integer, Keyspace> keyspace) {
    private static final Pattern DB = Pattern.compile("db(\\d+)");
    private static final Pattern KEYSPACE = Pattern.compile("keys=(\\d+),expires=(\\d+).*");

    /** The keys of one database, and how many of them have a TTL. */
    record Keyspace(long keys, long expires) {
    }

    static RedisInfo parse(String text) {
        Map<String, String> fields = new HashMap<>();
        SortedMap<Integer, Keyspace> keyspace = new TreeMap<>();
        // Scanned by hand: splitting the reply's hundred-odd lines with a pattern and matching two more
        // patterns on each was most of an INFO poll's CPU. Only keyspace lines ("db...") go through a Matcher.
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            int colon = text.indexOf(':', start);
            if (text.charAt(start) != '#' && colon >= 0 && colon < end) {
                String name = text.substring(start, colon);
                String value = text.substring(colon + 1, end).trim();
                if (!name.startsWith("db") || !putKeyspace(keyspace, name, value)) {
                    fields.put(name, value);
                }
            }
            start = end + 1;
        }
        return new RedisInfo(Map.copyOf(fields), keyspace);
    }

    private static boolean putKeyspace(SortedMap<Integer, Keyspace> keyspace, String name, String value) {
        Matcher db = DB.matcher(name);
        Matcher counts = KEYSPACE.matcher(value);
        if (!db.matches() || !counts.matches()) {
            return false;
        }
        keyspace.put(Integer.parseInt(db.group(1)), new Keyspace(Long.parseLong(counts.group(1)), Long.parseLong(counts.group(2))));
        return true;
    }

    /** A numeric field; a reply without it is data Vigil cannot read, and the poll fails saying which. */
    long number(String field) {
        String value = fields.get(field);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new PollException(PollErrorReason.DATA, "INFO has no whole number " + field + " (got " + value + ")", null);
        }
    }
}
