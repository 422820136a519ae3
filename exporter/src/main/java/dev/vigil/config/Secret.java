package dev.vigil.config;

/** A password, token, key or header value. Its toString never shows the value, so it cannot leak through a log line or a summary. */
public record Secret(String value) {
    /** Known from the moment it is read, so any text that later echoes it (an upstream error) is masked. */
    public Secret {
        Redaction.remember(value);
    }

    @Override
    public String toString() {
        return "<redacted>";
    }
}
