package dev.vigil.config;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Removes credentials from text that may reach a log line, the status page or an error message: those in
 * URLs by their form, and every secret Vigil has read (a {@link Secret}, an OTLP header from the environment)
 * by its value, whatever text it turns up in, since an upstream service may echo a key in its error.
 */
public final class Redaction {
    /** Shorter values would mask ordinary words; no real key, token or password is this short. */
    static final int MIN_SECRET_LENGTH = 4;
    private static final Set<String> KNOWN = ConcurrentHashMap.newKeySet();
    // user:password@ or :password@ inside any scheme://authority
    private static final Pattern URL_CREDENTIALS = Pattern.compile("(?<=://)([^:/@\\s]*):[^@/\\s]*@");
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&\\s]*");

    private Redaction() {
    }

    /** Masks this value wherever {@link #redact} finds it from now on. */
    public static void remember(String secret) {
        if (secret != null && secret.strip().length() >= MIN_SECRET_LENGTH) {
            KNOWN.add(secret.strip());
        }
    }

    /** URL credentials and every remembered secret, masked. */
    public static String redact(String text) {
        String out = redactUrl(text);
        if (out == null) {
            return null;
        }
        for (String secret : KNOWN) {
            if (out.contains(secret)) {
                out = out.replace(secret, "***");
            }
        }
        return out;
    }

    public static String redactUrl(String text) {
        if (text == null) {
            return null;
        }
        String out = URL_CREDENTIALS.matcher(text).replaceAll("$1:***@");
        return PASSWORD_PARAM.matcher(out).replaceAll("$1***");
    }
}
