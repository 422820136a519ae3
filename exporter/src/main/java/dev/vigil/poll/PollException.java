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
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !message.contains(cause.getMessage())) {
            message = message + ": " + cause.getMessage();
        }
        return message;
    }
}
