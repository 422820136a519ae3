package dev.vigil.config;

/** A password or token. Its toString never shows the value, so it cannot leak through a log line or a summary. */
public record Secret(String value) {
    @Override
    public String toString() {
        return "<redacted>";
    }
}
