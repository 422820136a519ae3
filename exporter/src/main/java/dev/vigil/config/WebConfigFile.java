package dev.vigil.config;

import dev.vigil.config.TlsServerConfig.ClientAuthType;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.net.ssl.X509KeyManager;

/**
 * Reads a web configuration file (the format of the Prometheus exporter toolkit's {@code web-configuration.md}),
 * so a file written for node_exporter works unchanged. Relative paths are taken from the file's folder, as the
 * toolkit does. Every problem is a {@link ConfigException} naming this file, the line and the key.
 */
public final class WebConfigFile {
    // Only these headers may be set, some only to these values: the same rule as every other exporter, so
    // one file behaves the same everywhere.
    private static final Map<String, List<String>> ALLOWED_HEADERS = Map.of(
            "Strict-Transport-Security", List.of(),
            "X-Content-Type-Options", List.of("nosniff"),
            "X-Frame-Options", List.of("deny", "sameorigin"),
            "X-XSS-Protection", List.of(),
            "Content-Security-Policy", List.of());
    private static final List<String> VERSIONS = List.of("TLS10", "TLS11", "TLS12", "TLS13");
    private static final List<String> JSSE_VERSIONS = List.of("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3");
    // Go's crypto/tls names (CipherSuites() and InsecureCipherSuites()) are the IANA names JSSE uses too.
    private static final Set<String> CIPHER_SUITES = Set.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_RSA_WITH_RC4_128_SHA", "TLS_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA",
            "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
            "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256");
    // Go always offers its three TLS 1.3 suites whatever cipher_suites says; JSSE would turn TLS 1.3 off without them.
    private static final List<String> TLS13_SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");
    private static final Set<String> CURVES = Set.of("CurveP256", "CurveP384", "CurveP521", "X25519", "X25519MLKEM768");
    // htpasswd -nBC writes $2y$; Go's bcrypt (and this check) also takes $2a$ and $2b$.
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(0[4-9]|[12][0-9]|3[01])\\$[./A-Za-z0-9]{53}");

    private WebConfigFile() {
    }

    public static WebConfig load(Path file) throws ConfigException {
        String name = file.toString();
        YamlSection root = YamlSection.literalRoot(name, YamlFile.read(file));
        Path dir = file.toAbsolutePath().getParent();
        List<Path> files = new ArrayList<>(List.of(file));
        Optional<TlsServerConfig> tls = Optional.empty();
        Optional<YamlSection> tlsSection = root.section("tls_server_config");
        if (tlsSection.isPresent()) {
            tls = tls(tlsSection.get(), dir, files);
        }
        Map<String, Secret> users = new LinkedHashMap<>();
        Optional<YamlSection> userSection = root.section("basic_auth_users");
        if (userSection.isPresent()) {
            for (String user : userSection.get().keys()) {
                String hash = userSection.get().requiredString(user).trim();
                if (!BCRYPT.matcher(hash).matches()) {
                    throw userSection.get().error(user, "expected a bcrypt hash such as htpasswd -nBC 10 writes ($2y$10$ and 53 more characters)");
                }
                users.put(user, new Secret(hash));
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        boolean http2 = true;
        Optional<YamlSection> http = root.section("http_server_config");
        if (http.isPresent()) {
            http2 = http.get().bool("http2", true);
            Optional<YamlSection> headerSection = http.get().section("headers");
            if (headerSection.isPresent()) {
                readHeaders(headerSection.get(), headers);
            }
            http.get().finish();
        }
        Optional<WebConfig.RateLimit> rateLimit = Optional.empty();
        Optional<YamlSection> rate = root.section("rate_limit");
        if (rate.isPresent()) {
            rateLimit = rateLimit(rate.get());
        }
        root.finish();
        return new WebConfig(file, files, tls, users, headers, http2, rateLimit);
    }

    private static void readHeaders(YamlSection section, Map<String, String> headers) throws ConfigException {
        for (String header : section.keys()) {
            List<String> allowed = ALLOWED_HEADERS.get(header);
            if (allowed == null) {
                throw section.error(header, "this header cannot be set; allowed: " + String.join(", ", ALLOWED_HEADERS.keySet().stream().sorted().toList()));
            }
            String value = section.string(header, "");
            if (!allowed.isEmpty() && !allowed.contains(value)) {
                throw section.error(header, "expected one of " + allowed + ", got '" + value + "'");
            }
            if (!value.isEmpty()) {
                headers.put(header, value);
            }
        }
    }

    private static Optional<WebConfig.RateLimit> rateLimit(YamlSection section) throws ConfigException {
        String text = section.string("interval", "0s").trim();
        int burst = section.integer("burst", 0, 0, Integer.MAX_VALUE);
        section.finish();
        Duration interval;
        try {
            interval = text.equals("0") ? Duration.ZERO : Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw section.error("interval", e.getMessage());
        }
        return interval.isZero() ? Optional.empty() : Optional.of(new WebConfig.RateLimit(interval, burst));
    }

    private static Optional<TlsServerConfig> tls(YamlSection s, Path dir, List<Path> files) throws ConfigException {
        Optional<String> cert = pem(s, "cert", dir, files);
        Optional<String> key = pem(s, "key", dir, files);
        Optional<String> clientCa = pem(s, "client_ca", dir, files);
        String authName = s.string("client_auth_type", "NoClientCert").trim();
        String min = s.string("min_version", "TLS12").trim();
        String max = s.string("max_version", "TLS13").trim();
        List<String> suites = s.stringList("cipher_suites");
        List<String> curves = s.stringList("curve_preferences");
        s.bool("prefer_server_cipher_suites", true); // JSSE keeps the server's order by default: accepted, nothing to set
        List<String> sans = s.stringList("client_allowed_sans");
        s.finish();
        if (cert.isEmpty() && key.isEmpty() && clientCa.isEmpty() && !s.has("client_auth_type")) {
            return Optional.empty(); // the toolkit's rule: an empty tls_server_config means plain HTTP
        }
        if (cert.isEmpty()) {
            throw s.error("cert_file", "is required (or cert, the PEM inline) when TLS is configured");
        }
        if (key.isEmpty()) {
            throw s.error("key_file", "is required (or key, the PEM inline) when TLS is configured");
        }
        checkKeyPair(s, cert.get(), key.get());
        ClientAuthType auth = clientAuth(s, authName);
        if (clientCa.isPresent()) {
            checkCa(s, clientCa.get());
            if (auth == ClientAuthType.NoClientCert) {
                throw s.error("client_ca_file", "a client CA is given but client_auth_type is NoClientCert; set RequireAndVerifyClientCert");
            }
        } else if (auth.verifies()) {
            throw s.error("client_auth_type", auth + " needs client_ca_file to verify client certificates against");
        }
        int from = version(s, "min_version", min);
        int to = version(s, "max_version", max);
        if (from > to) {
            throw s.error("min_version", min + " is above max_version " + max);
        }
        for (String suite : suites) {
            if (!CIPHER_SUITES.contains(suite)) {
                throw s.error("cipher_suites", "unknown cipher suite '" + suite + "'; use the names of Go's crypto/tls, such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
            }
        }
        for (String curve : curves) {
            if (!CURVES.contains(curve)) {
                throw s.error("curve_preferences", "unknown curve '" + curve + "'; known: " + String.join(", ", CURVES.stream().sorted().toList()));
            }
        }
        List<String> enabledSuites = new ArrayList<>();
        if (!suites.isEmpty()) {
            enabledSuites.addAll(suites);
            TLS13_SUITES.stream().filter(x -> !enabledSuites.contains(x)).forEach(enabledSuites::add);
        }
        return Optional.of(new TlsServerConfig(cert.get(), new Secret(key.get()), clientCa, auth, min, max,
                JSSE_VERSIONS.subList(from, to + 1), enabledSuites, sans));
    }

    /** {@code name} inline or {@code name_file} (relative to the web config's folder); not both. */
    private static Optional<String> pem(YamlSection s, String name, Path dir, List<Path> files) throws ConfigException {
        Optional<String> inline = s.string(name);
        Optional<String> path = s.string(name + "_file").map(String::trim).filter(p -> !p.isEmpty());
        if (inline.isPresent() && path.isPresent()) {
            throw s.error(name + "_file", "give either " + name + " or " + name + "_file, not both");
        }
        if (path.isEmpty()) {
            return inline;
        }
        Path resolved = dir.resolve(path.get());
        files.add(resolved);
        try {
            return Optional.of(Files.readString(resolved, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw s.error(name + "_file", "cannot read " + resolved + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
        }
    }

    /** Loads the pair as the server will, and proves the key belongs to the certificate by a signature. */
    private static void checkKeyPair(YamlSection s, String cert, String key) throws ConfigException {
        X509KeyManager keys;
        try {
            // Given values, not paths, the options need no Vert.x instance.
            keys = (X509KeyManager) new PemKeyCertOptions().setCertValue(Buffer.buffer(cert)).setKeyValue(Buffer.buffer(key))
                    .getKeyManagerFactory(null).getKeyManagers()[0];
        } catch (Exception e) {
            throw s.error("key_file", "cannot load the certificate and key (PEM, PKCS#8, PKCS#1 or SEC1 key expected): " + e.getMessage());
        }
        try {
            String alias = keys.getServerAliases("RSA", null) != null ? keys.getServerAliases("RSA", null)[0] : keys.getServerAliases("EC", null)[0];
            PrivateKey privateKey = keys.getPrivateKey(alias);
            Certificate leaf = keys.getCertificateChain(alias)[0];
            String algorithm = privateKey.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            byte[] probe = "vigil".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(probe);
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(probe);
            if (!verifier.verify(signer.sign())) {
                throw s.error("key_file", "the key does not belong to the certificate in cert_file");
            }
        } catch (ConfigException e) {
            throw e;
        } catch (Exception e) {
            throw s.error("key_file", "cannot use the key: " + e.getMessage());
        }
    }

    private static void checkCa(YamlSection s, String pem) throws ConfigException {
        try {
            if (CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).isEmpty()) {
                throw s.error("client_ca_file", "holds no certificate");
            }
        } catch (ConfigException e) {
            throw e;
        } catch (Exception e) {
            throw s.error("client_ca_file", "not a PEM certificate: " + e.getMessage());
        }
    }

    private static ClientAuthType clientAuth(YamlSection s, String name) throws ConfigException {
        if (name.isEmpty() || name.equals("RequireClientCert")) { // the toolkit's old spelling of RequireAnyClientCert
            return name.isEmpty() ? ClientAuthType.NoClientCert : ClientAuthType.RequireAnyClientCert;
        }
        try {
            return ClientAuthType.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw s.error("client_auth_type", "expected one of " + Arrays.toString(ClientAuthType.values()) + ", got '" + name + "'");
        }
    }

    private static int version(YamlSection s, String key, String value) throws ConfigException {
        int i = VERSIONS.indexOf(value);
        if (i < 0) {
            throw s.error(key, "expected one of " + VERSIONS + ", got '" + value + "'");
        }
        return i;
    }
}
