package dev.vigil.config;

/**
 * A configuration problem a user can act on: which file, which line, which key, and what is wrong.
 * Main turns it into one line on stderr and exit status 2, never a stack trace.
 */
public final class ConfigException extends Exception {
    private final String file;
    private final int line;
    private final String key;

    public ConfigException(String file, int line, String key, String message) {
        super(message);
        this.file = file;
        this.line = line;
        this.key = key;
    }

    public String file() {
        return file;
    }

    /** One-based line number, or 0 when the problem is not tied to a line (a missing file). */
    public int line() {
        return line;
    }

    public String key() {
        return key;
    }

    /** The form printed to the user: {@code file:line: key: message}. */
    public String describe() {
        StringBuilder out = new StringBuilder(file);
        if (line > 0) {
            out.append(':').append(line);
        }
        if (key != null && !key.isEmpty()) {
            out.append(": ").append(key);
        }
        return out.append(": ").append(getMessage()).toString();
    }
}
