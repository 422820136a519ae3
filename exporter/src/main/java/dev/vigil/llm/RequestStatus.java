package dev.vigil.llm;

import java.util.Locale;
import java.util.Optional;

/** How a call to the provider ended: the {@code status} label of {@code llm_requests_total}. */
public enum RequestStatus {
    OK, ERROR, RATE_LIMITED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The push API's values, plus the words ledgers use (LiteLLM writes success and failure). */
    public static Optional<RequestStatus> parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "ok", "success", "succeeded" -> Optional.of(OK);
            case "error", "failure", "failed" -> Optional.of(ERROR);
            case "rate_limited", "rate-limited", "ratelimited" -> Optional.of(RATE_LIMITED);
            default -> Optional.empty();
        };
    }
}
