package dev.vigil.log;

import java.util.logging.LogManager;

/**
 * The JDK's LogManager resets itself (closing every handler) in a shutdown hook of its own, racing the
 * exporter's hook that logs the shutdown and stops the sources. This one keeps its handlers to the end.
 * Installed by {@link LogSetup#install()} before anything logs.
 */
public final class ShutdownSafeLogManager extends LogManager {
    @Override
    public void reset() {
        // Left as configured: LogSetup removes the default handlers itself.
    }
}
