package dev.vigil.llm.redis;

import dev.vigil.redis.Glob;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A key pattern such as {@code llm:usage:{provider}:{model}}: the SCAN glob it matches and the placeholder
 * values of a key. Each placeholder but the last stops at the next literal text; the last takes the rest, so
 * model names with colons ({@code anthropic.claude-v2:1}) survive.
 */
final class KeyPattern {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_][a-z0-9_]*)}");

    private final String glob;
    private final Pattern regex;
    private final List<String> names = new ArrayList<>();

    KeyPattern(String pattern) {
        Matcher m = PLACEHOLDER.matcher(pattern);
        StringBuilder glob = new StringBuilder();
        StringBuilder regex = new StringBuilder("^");
        int end = 0;
        List<int[]> spans = new ArrayList<>();
        while (m.find()) {
            spans.add(new int[] {m.start(), m.end()});
            names.add(m.group(1));
        }
        for (int i = 0; i < spans.size(); i++) {
            String literal = pattern.substring(end, spans.get(i)[0]);
            glob.append(Glob.literal(literal)).append('*');
            regex.append(Pattern.quote(literal)).append(i == spans.size() - 1 ? "(.+)" : "(.+?)");
            end = spans.get(i)[1];
        }
        String tail = pattern.substring(end);
        this.glob = glob.append(Glob.literal(tail)).toString();
        this.regex = Pattern.compile(regex.append(Pattern.quote(tail)).append('$').toString(), Pattern.DOTALL);
    }

    String glob() {
        return glob;
    }

    /** The placeholder values of a key, or empty when the key does not fit the pattern. */
    Optional<Map<String, String>> values(String key) {
        Matcher m = regex.matcher(key);
        if (!m.matches()) {
            return Optional.empty();
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            values.put(names.get(i), m.group(i + 1));
        }
        return Optional.of(values);
    }
}
