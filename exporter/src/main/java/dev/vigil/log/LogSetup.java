package dev.vigil.log;

import dev.vigil.config.Redaction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.StreamHandler;
import java.util.logging.Logger;

/**
 * Routes java.util.logging (ours, Vert.x's, and Netty/Lettuce's, which fall back to it) to stderr, one
 * line per event. Every line passes through URL credential redaction on the way out.
 */
public final class LogSetup {
    /**
     * The loggers whose level is set here. java.util.logging holds loggers weakly: a level set on a logger
     * nobody references is lost at the next collection, and Lettuce's and Netty's loggers, made later, would
     * then inherit the root's INFO (Lettuce logging a refused Sentinel connect on every poll).
     */
    private static final List<Logger> QUIETED = new ArrayList<>();

    private LogSetup() {
    }

    /** Call first thing in main, before any logger exists, so the shutdown-safe manager is the one used. */
    public static void install() {
        System.setProperty("java.util.logging.manager", ShutdownSafeLogManager.class.getName());
    }

    public static void configure(LogFormat format) {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        Handler handler = new StderrLines(format == LogFormat.JSON ? new JsonLine() : new TextLine());
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        // Lettuce logs every reconnect attempt; Vigil logs the source going down and coming back instead.
        quiet("io.lettuce", Level.SEVERE);
        quiet("io.netty", Level.WARNING);
        // The OTLP exporter logs every failed batch; Vigil's ExportOutcomeLog logs the failure and the recovery once each.
        quiet("io.opentelemetry.exporter", Level.OFF);
    }

    private static synchronized void quiet(String name, Level level) {
        Logger logger = Logger.getLogger(name);
        logger.setLevel(level);
        QUIETED.add(logger);
    }

    /**
     * Writes each record to stderr at once. Not a ConsoleHandler with a replaced stream: replacing it closes
     * the old one, which is System.err itself; and closing this handler (the JVM's shutdown resets logging)
     * must not close stderr either, or the last lines of a shutdown are lost.
     */
    private static final class StderrLines extends StreamHandler {
        StderrLines(Formatter formatter) {
            super(System.err, formatter);
        }

        @Override
        public synchronized void publish(LogRecord record) {
            super.publish(record);
            flush();
        }

        @Override
        public synchronized void close() {
            flush();
        }
    }

    static String message(LogRecord record) {
        String text = record.getMessage();
        if (record.getParameters() != null && text != null && text.contains("{0")) {
            text = java.text.MessageFormat.format(text, record.getParameters());
        }
        Throwable t = record.getThrown();
        if (t != null) {
            StackTraceElement top = t.getStackTrace().length > 0 ? t.getStackTrace()[0] : null;
            text = text + ": " + t + (top == null ? "" : " at " + top);
        }
        return Redaction.redact(text);
    }

    static String shortName(String logger) {
        if (logger == null) {
            return "-";
        }
        int dot = logger.lastIndexOf('.');
        return dot < 0 ? logger : logger.substring(dot + 1);
    }

    private static final class TextLine extends Formatter {
        @Override
        public String format(LogRecord record) {
            return Instant.ofEpochMilli(record.getMillis()) + " " + String.format("%-7s", record.getLevel().getName())
                    + " " + shortName(record.getLoggerName()) + ": " + message(record).replace('\n', ' ') + System.lineSeparator();
        }
    }

    private static final class JsonLine extends Formatter {
        @Override
        public String format(LogRecord record) {
            return "{\"time\":\"" + Instant.ofEpochMilli(record.getMillis())
                    + "\",\"level\":\"" + record.getLevel().getName()
                    + "\",\"logger\":" + quote(record.getLoggerName())
                    + ",\"message\":" + quote(message(record)) + "}" + System.lineSeparator();
        }

        private static String quote(String s) {
            if (s == null) {
                return "null";
            }
            StringBuilder out = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            return out.append('"').toString();
        }
    }
}
