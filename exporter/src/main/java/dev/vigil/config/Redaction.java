package dev.vigil.config;

import java.util.regex.Pattern;

/** Removes credentials from text that may reach a log line, the status page or an error message. */
public final class Redaction {
    // user:password@ or :password@ inside any scheme://authority
    private static final Pattern URL_CREDENTIALS = Pattern.compile("(?<=://)([^:/@\\s]*):[^@/\\s]*@");
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&\\s]*");

    private Redaction() {
    }

    public static String redactUrl(String text) {
        if (text == null) {
            return null;
        }
        String out = URL_CREDENTIALS.matcher(text).replaceAll("$1:***@");
        return PASSWORD_PARAM.matcher(out).replaceAll("$1***");
    }
}
