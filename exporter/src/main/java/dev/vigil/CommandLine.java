package dev.vigil;

import dev.vigil.log.LogFormat;
import java.util.Locale;
import java.util.Map;

/** The parsed command line. Unknown options are errors, not silently ignored. */
record CommandLine(String config, boolean checkConfig, boolean once, LogFormat logFormat, boolean version, boolean help) {

    static CommandLine parse(String[] args, Map<String, String> env) {
        String config = env.get("VIGIL_CONFIG");
        if (config != null && config.isBlank()) {
            config = null;
        }
        boolean check = false;
        boolean once = false;
        boolean version = false;
        boolean help = false;
        LogFormat format = LogFormat.TEXT;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "--config" -> config = value != null ? value : next(args, ++i, "--config");
                case "--log-format" -> {
                    String f = value != null ? value : next(args, ++i, "--log-format");
                    try {
                        format = LogFormat.valueOf(f.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("--log-format takes text or json, not '" + f + "'");
                    }
                }
                case "--check-config" -> check = true;
                case "--once" -> once = true;
                case "--version" -> version = true;
                case "--help", "-h" -> help = true;
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
        }
        return new CommandLine(config, check, once, format, version, help);
    }

    private static String next(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
