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
}
