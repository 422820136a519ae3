package dev.vigil.poll;

/** A failed poll with the reason the engine counts it under. */
public final class PollException extends RuntimeException {
    private final PollErrorReason reason;

    public PollException(PollErrorReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public PollErrorReason reason() {
        return reason;
    }

    /** An error's message followed by its cause's when that adds something, for the status page and the log. */
    public static String describe(Throwable e) {
        StringBuilder message = new StringBuilder(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        // Every distinct cause, so the root cause (a refused port, a TLS alert) is visible on one line.
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && message.indexOf(cause.getMessage()) < 0) {
                message.append(": ").append(cause.getMessage());
            }
        }
        return message.toString();
    }
}
