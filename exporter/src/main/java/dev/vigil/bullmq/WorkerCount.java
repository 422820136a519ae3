package dev.vigil.bullmq;

import java.util.HashMap;
import java.util.Map;

/**
 * Counts worker connections per queue from CLIENT LIST, matching names the way BullMQ's getWorkers()
 * does: exactly {@code <prefix>:<base64 name>}, or starting with {@code <prefix>:<base64 name>:w:} for
 * workers given a name.
 */
final class WorkerCount {
    private final Map<String, Integer> byEncodedName = new HashMap<>();

    private WorkerCount() {
    }

    static WorkerCount parse(String clientList, String prefix) {
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
            if (!encoded.isEmpty() && (colon < 0 || rest.startsWith(":w:", colon))) {
                count.byEncodedName.merge(encoded, 1, Integer::sum);
            }
        }
        return count;
    }

    int workers(QueueRef queue) {
        return byEncodedName.getOrDefault(queue.encodedName(), 0);
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
