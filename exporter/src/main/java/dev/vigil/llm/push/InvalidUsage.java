package dev.vigil.llm.push;

/** A pushed body Vigil will not count, with the JSON path of the offending field and the reason. */
final class InvalidUsage extends Exception {
    private final String path;

    InvalidUsage(String path, String reason) {
        super(reason);
        this.path = path;
    }

    String path() {
        return path;
    }

    /** {@code $[3].input_tokens: expected a whole number, got a string}. */
    String describe() {
        return path.isEmpty() ? getMessage() : path + ": " + getMessage();
    }
}
