package dev.vigil.config;

import java.util.List;
import java.util.Optional;

/**
 * {@code tls_server_config} of the web configuration file, with the PEM texts already read (so a reload
 * compares and applies content, and a certificate that does not load is a config error, not a failed handshake).
 *
 * @param clientCa       PEM of the CAs client certificates must chain to; empty when none is given
 * @param protocols      JSSE protocol names from min_version to max_version
 * @param cipherSuites   JSSE names of the allowed suites for TLS 1.2 and below (TLS 1.3 suites always on); empty = JDK defaults
 * @param allowedSans    when not empty, a client certificate must carry one of these DNS, e-mail, IP or URI names
 */
public record TlsServerConfig(String cert, Secret key, Optional<String> clientCa, ClientAuthType clientAuth,
                              String minVersion, String maxVersion, List<String> protocols, List<String> cipherSuites,
                              List<String> allowedSans) {
    public TlsServerConfig {
        protocols = List.copyOf(protocols);
        cipherSuites = List.copyOf(cipherSuites);
        allowedSans = List.copyOf(allowedSans);
    }

    /** Go's {@code tls.ClientAuthType} names, as the format spells them. */
    public enum ClientAuthType {
        NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert;

        /** Whether a presented certificate is checked against the client CA. */
        public boolean verifies() {
            return this == VerifyClientCertIfGiven || this == RequireAndVerifyClientCert;
        }

        /** Whether the handshake fails without a client certificate. */
        public boolean requires() {
            return this == RequireAnyClientCert || this == RequireAndVerifyClientCert;
        }
    }
}
