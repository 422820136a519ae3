package dev.vigil.web;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checks a basic-auth password against its bcrypt hash. bcrypt is slow on purpose (~70 ms at cost 10), so:
 * a verified (user, hash, password) triple is remembered by its SHA-256 (a scraping Prometheus pays once);
 * checks run on one dedicated worker thread, never on the event loop nor the pollers' workers; and at most
 * {@link #MAX_WAITING} checks wait, so a flood of wrong passwords is refused at once instead of queueing.
 */
final class PasswordCheck implements AutoCloseable {
    static final int MAX_WAITING = 32;
    static final int MAX_REMEMBERED = 256;
    private static final BCrypt.Verifyer BCRYPT = BCrypt.verifyer(BCrypt.Version.VERSION_2A,
            LongPasswordStrategies.truncate(BCrypt.Version.VERSION_2A)); // bcrypt reads 72 bytes at most, as Go's does

    /** What a check found. */
    enum Outcome { VERIFIED, WRONG, BUSY }

    private final WorkerExecutor worker;
    private final Map<String, Boolean> verified = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();

    PasswordCheck(Vertx vertx) {
        this.worker = vertx.createSharedWorkerExecutor("vigil-password-check", 1);
    }

    /** Completes on the caller's context; {@code hash} is empty for a user not in the file. */
    Future<Outcome> check(String user, Optional<String> hash, String password) {
        String key = digest(user, hash.orElse(""), password);
        if (hash.isPresent() && verified.containsKey(key)) {
            return Future.succeededFuture(Outcome.VERIFIED);
        }
        if (waiting.incrementAndGet() > MAX_WAITING) {
            waiting.decrementAndGet();
            return Future.succeededFuture(Outcome.BUSY);
        }
        return worker.executeBlocking(() -> BCRYPT.verify(password.getBytes(StandardCharsets.UTF_8),
                        hash.orElseGet(UnknownUser::hash).getBytes(StandardCharsets.US_ASCII)).verified, false)
                .eventually(() -> {
                    waiting.decrementAndGet();
                    return Future.succeededFuture();
                })
                .map(ok -> {
                    if (!ok || hash.isEmpty()) {
                        return Outcome.WRONG;
                    }
                    if (verified.size() >= MAX_REMEMBERED) {
                        verified.clear(); // only right passwords get here: the bound is for many users, not attackers
                    }
                    verified.put(key, Boolean.TRUE);
                    return Outcome.VERIFIED;
                });
    }

    private static String digest(String user, String hash, String password) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {user, hash, password}) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                sha.update((byte) (bytes.length >>> 24));
                sha.update((byte) (bytes.length >>> 16));
                sha.update((byte) (bytes.length >>> 8));
                sha.update((byte) bytes.length);
                sha.update(bytes);
            }
            return java.util.HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** A hash of a random password: an unknown user costs as much as a known one, so timing does not tell names. */
    private static final class UnknownUser {
        // Made on first use, on the check's worker thread: hashing takes as long as checking.
        private static final String HASH = BCrypt.with(BCrypt.Version.VERSION_2Y)
                .hashToString(10, java.util.UUID.randomUUID().toString().toCharArray());

        static String hash() {
            return HASH;
        }
    }

    @Override
    public void close() {
        worker.close();
    }
}
