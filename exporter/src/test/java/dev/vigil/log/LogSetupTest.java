package dev.vigil.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class LogSetupTest {
    @Test
    void librariesStayQuietAfterTheirParentLoggersCouldHaveBeenCollected() {
        LogSetup.configure(LogFormat.TEXT);
        for (int i = 0; i < 3; i++) {
            System.gc(); // java.util.logging holds loggers weakly: an unreferenced one loses its level here
        }
        assertThat(Logger.getLogger("io.lettuce.core.RedisClient").isLoggable(Level.WARNING)).isFalse();
        assertThat(Logger.getLogger("io.lettuce.core.RedisClient").isLoggable(Level.SEVERE)).isTrue();
        assertThat(Logger.getLogger("io.netty.channel.DefaultChannelPipeline").isLoggable(Level.INFO)).isFalse();
        assertThat(Logger.getLogger("io.opentelemetry.exporter.internal.http.HttpExporter").isLoggable(Level.SEVERE)).isFalse();
        assertThat(Logger.getLogger("dev.vigil.poll.PollEngine").isLoggable(Level.INFO)).isTrue();
    }
}
