package dev.vigil.redis;

/** SCAN MATCH patterns built from literal text (a prefix, a key pattern's fixed parts). */
public final class Glob {
    private Glob() {
    }

    /** The text matched literally: a '[' or '*' in a prefix must not act as a glob. */
    public static String literal(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }
}
