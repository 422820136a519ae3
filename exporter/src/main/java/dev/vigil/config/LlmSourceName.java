package dev.vigil.config;

/** An llm source entry, named for the {@code source} label of the self metrics. */
interface LlmSourceName {
    String name();
}
