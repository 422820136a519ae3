package dev.vigil.bullmq;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts worker connections per queue from CLIENT LIST, matching names the way BullMQ's getWorkers()
 * does: exactly {@code <prefix>:<base64 name>}, or starting with {@code <prefix>:<base64 name>:w:} for
 * workers given a name. On a Cluster a worker's name can show up on several nodes (ioredis names every
 * connection it opens), so, like getWorkers(), the count is the largest on any one node, never a sum.
 * The names are decoded once per client rather than every queue's name encoded at every poll: the clients are
 * few, the queues thousands.
 */
final class WorkerCount {
    private final Map<String, Integer> byName = new HashMap<>();

    private WorkerCount() {
    }

    /** @param clientLists CLIENT LIST of each node (one for a standalone Redis) */
    static WorkerCount parse(List<String> clientLists, String prefix) {
        WorkerCount max = new WorkerCount();
        for (String list : clientLists) {
            parse(list, prefix).byName.forEach((name, n) -> max.byName.merge(name, n, Math::max));
        }
        return max;
    }

    private static WorkerCount parse(String clientList, String prefix) {
        WorkerCount count = new WorkerCount();
        String head = prefix + ":";
        for (String line : clientList.split("\n")) {
            String name = field(line, "name=");
            if (name == null || !name.startsWith(head)) {
                continue;
            }
            String rest = name.substring(head.length());
            int colon = rest.indexOf(':'); // base64 never contains ':'
            String encoded = colon < 0 ? rest : rest.substring(0, colon);
            String queue = encoded.isEmpty() || !(colon < 0 || rest.startsWith(":w:", colon)) ? null : decode(encoded);
            if (queue != null) {
                count.byName.merge(queue, 1, Integer::sum);
            }
        }
        return count;
    }

    int workers(QueueRef queue) {
        return byName.getOrDefault(queue.name(), 0);
    }

    /** The queue name whose encoding is exactly {@code encoded}, as getWorkers() compares; null when none is. */
    private static String decode(String encoded) {
        try {
            String name = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            return QueueRef.encodedName(name).equals(encoded) ? name : null;
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    private static String field(String line, String key) {
        for (String token : line.trim().split(" ")) {
            if (token.startsWith(key)) {
                return token.substring(key.length());
            }
        }
        return null;
    }
}
