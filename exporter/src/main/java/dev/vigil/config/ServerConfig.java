package dev.vigil.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the HTTP server listens, the bounds it puts on each client, and the web configuration file (TLS, basic
 * auth) that protects it, if any.
 */
public record ServerConfig(String host, int port, HttpLimits limits, Optional<WebConfig> web) {
    private static final String DEFAULT_HOST = "0.0.0.0";
    private static final int DEFAULT_PORT = 9740;
    private static final String DEFAULT_LISTEN = DEFAULT_HOST + ":" + DEFAULT_PORT;
    /** Every interface, port 9740: with no file, and with a file that has no {@code server} section. */
    public static final ServerConfig DEFAULT = new ServerConfig(DEFAULT_HOST, DEFAULT_PORT);

    public ServerConfig(String host, int port) {
        this(host, port, HttpLimits.DEFAULTS, Optional.empty());
    }

    /** True when only this machine can reach the server, which later relaxes the push endpoint's token rule. */
    public boolean loopbackOnly() {
        return host.equals("127.0.0.1") || host.equals("::1") || host.equals("localhost");
    }

    static ServerConfig read(YamlSection section) throws ConfigException {
        String listen = section.string("listen", DEFAULT_LISTEN).trim();
        HttpLimits limits = HttpLimits.read(section);
        Optional<String> webFile = section.string("web_config_file").map(String::trim).filter(f -> !f.isEmpty());
        section.finish();
        Optional<WebConfig> web = Optional.empty();
        if (webFile.isPresent()) {
            if (!Files.isReadable(Path.of(webFile.get()))) {
                throw section.error("web_config_file", "cannot read " + webFile.get() + ": no such file, or not readable");
            }
            web = Optional.of(WebConfigFile.load(Path.of(webFile.get())));
        }
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            throw section.error("listen", "expected host:port such as " + DEFAULT_LISTEN + ", got '" + listen + "'");
        }
        String host = listen.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            host = DEFAULT_HOST;
        }
        try {
            int port = Integer.parseInt(listen.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return new ServerConfig(host, port, limits, web);
        } catch (NumberFormatException e) {
            throw section.error("listen", "port must be a number from 0 to 65535, got '" + listen.substring(colon + 1) + "'");
        }
    }
}
