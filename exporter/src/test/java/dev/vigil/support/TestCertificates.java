package dev.vigil.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificate authorities, and certificates they issue for 127.0.0.1 and localhost, made with the real openssl
 * in one folder: {@code <name>.key}, {@code <name>.crt}, and {@code <name>.p12} (password {@code test}) on request.
 */
public final class TestCertificates {
    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** Requires openssl (failing under CI=true, skipping loudly elsewhere), and writes into this folder. */
    public static TestCertificates in(Path dir) throws IOException {
        ExternalTool.require(ExternalTool.onPath("openssl", "version"), "openssl", "apt-get install openssl");
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        return new TestCertificates(dir);
    }

    /** A self-signed certificate authority. */
    public TestCertificates authority(String name) {
        openssl("genrsa", "-out", name + ".key", "2048");
        openssl("req", "-x509", "-new", "-key", name + ".key", "-days", "2", "-subj", "/CN=" + name, "-out", name + ".crt");
        return this;
    }

    /** A certificate for {@code who}, issued by the authority {@code ca}. */
    public TestCertificates issue(String who, String ca) {
        openssl("genrsa", "-out", who + ".key", "2048");
        openssl("req", "-new", "-key", who + ".key", "-subj", "/CN=" + who, "-out", who + ".csr");
        openssl("x509", "-req", "-in", who + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key", "-CAcreateserial",
                "-days", "2", "-extfile", "san.ext", "-out", who + ".crt");
        return this;
    }

    /** The key and certificate of {@code who} in one PKCS#12 file, for a Java client. */
    public TestCertificates pkcs12(String who) {
        openssl("pkcs12", "-export", "-in", who + ".crt", "-inkey", who + ".key", "-passout", "pass:test", "-out", who + ".p12");
        return this;
    }

    private void openssl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("openssl " + List.of(args) + ": " + out);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
