package dev.vigil.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CachePatternsTest {
    @Test
    void theStarPartOfAMatchNamesTheCache() {
        assertThat(CachePatterns.starPart("cache:*:stats", "cache:semantic:stats")).isEqualTo("semantic");
        assertThat(CachePatterns.starPart("stats:*", "stats:a:b")).isEqualTo("a:b");
        assertThat(CachePatterns.starPart("*:stats", ":stats")).isEmpty();
    }
}
