package dev.vigil.web;

import dev.vigil.config.TlsServerConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.core.net.TrustOptions;
import java.security.cert.X509Certificate;
import java.util.LinkedHashSet;
import javax.net.ssl.X509TrustManager;

/** Turns {@code tls_server_config} into the options Vert.x serves with, at start and on every reload. */
final class TlsOptions {
    // Go's RequestClientCert and RequireAnyClientCert take any certificate without checking it; JSSE checks
    // every certificate it is shown, so those two get a trust manager that accepts all.
    private static final X509TrustManager ANY_CERTIFICATE = new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    };

    private TlsOptions() {
    }

    static ServerSSLOptions of(TlsServerConfig tls, boolean http2) {
        ServerSSLOptions options = new ServerSSLOptions()
                .setKeyCertOptions(new PemKeyCertOptions().setCertValue(Buffer.buffer(tls.cert())).setKeyValue(Buffer.buffer(tls.key().value())))
                .setEnabledSecureTransportProtocols(new LinkedHashSet<>(tls.protocols()))
                .setUseAlpn(http2);
        tls.cipherSuites().forEach(options::addEnabledCipherSuite);
        switch (tls.clientAuth()) {
            case NoClientCert -> options.setClientAuth(ClientAuth.NONE);
            case RequestClientCert -> options.setClientAuth(ClientAuth.REQUEST).setTrustOptions(TrustOptions.wrap(ANY_CERTIFICATE));
            case RequireAnyClientCert -> options.setClientAuth(ClientAuth.REQUIRED).setTrustOptions(TrustOptions.wrap(ANY_CERTIFICATE));
            case VerifyClientCertIfGiven -> options.setClientAuth(ClientAuth.REQUEST).setTrustOptions(caTrust(tls));
            case RequireAndVerifyClientCert -> options.setClientAuth(ClientAuth.REQUIRED).setTrustOptions(caTrust(tls));
        }
        return options;
    }

    /** Puts the options on a server about to listen (later changes go through {@code HttpServer.updateSSLOptions}). */
    static void applyTo(HttpServerOptions server, ServerSSLOptions ssl) {
        server.setSsl(true).setKeyCertOptions(ssl.getKeyCertOptions()).setUseAlpn(ssl.isUseAlpn())
                .setEnabledSecureTransportProtocols(ssl.getEnabledSecureTransportProtocols());
        if (ssl.getTrustOptions() != null) {
            server.setTrustOptions(ssl.getTrustOptions());
        }
        ssl.getEnabledCipherSuites().forEach(server::addEnabledCipherSuite);
        server.setClientAuth(ssl.getClientAuth());
    }

    private static TrustOptions caTrust(TlsServerConfig tls) {
        return new PemTrustOptions().addCertValue(Buffer.buffer(tls.clientCa().orElseThrow()));
    }
}
