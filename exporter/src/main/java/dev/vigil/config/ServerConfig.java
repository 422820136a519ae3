package dev.vigil.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where the HTTP server listens, and the web configuration file (TLS, basic auth) that protects it, if any. */
public record ServerConfig(String host, int port, Optional<WebConfig> web) {
    public static final String DEFAULT_LISTEN = "0.0.0.0:9740";

    public ServerConfig(String host, int port) {
        this(host, port, Optional.empty());
    }

    /** True when only this machine can reach the server, which later relaxes the push endpoint's token rule. */
    public boolean loopbackOnly() {
        return host.equals("127.0.0.1") || host.equals("::1") || host.equals("localhost");
    }

    static ServerConfig read(YamlSection section) throws ConfigException {
        String listen = section.string("listen", DEFAULT_LISTEN).trim();
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
            throw section.error("listen", "expected host:port such as 0.0.0.0:9740, got '" + listen + "'");
        }
        String host = listen.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            host = "0.0.0.0";
        }
        try {
            int port = Integer.parseInt(listen.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return new ServerConfig(host, port, web);
        } catch (NumberFormatException e) {
            throw section.error("listen", "port must be a number from 0 to 65535, got '" + listen.substring(colon + 1) + "'");
        }
    }
}
