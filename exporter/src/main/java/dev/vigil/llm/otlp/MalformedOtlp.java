package dev.vigil.llm.otlp;

/** A body that is not OTLP as the specification writes it: the request is refused whole with a 400. */
final class MalformedOtlp extends Exception {
    MalformedOtlp(String message) {
        super(message, null, false, false);
    }
}
