package dev.vigil.log;

/** How log lines are written: for people reading a terminal, or for a log pipeline. */
public enum LogFormat {
    TEXT, JSON
}
