package dev.vigil.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Tests that need a tool outside Maven (Node, npm packages, Debian packages). In CI (CI=true) a missing
 * tool fails the test; on a developer's machine the test is skipped with a banner on stderr, never passed
 * silently.
 */
public final class ExternalTool {
    private ExternalTool() {
    }

    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Fails in CI, skips loudly elsewhere. */
    public static void require(boolean present, String what, String howToGetIt) {
        if (present) {
            return;
        }
        String message = what + " is not available: " + howToGetIt;
        if (inCi()) {
            throw new AssertionError(message);
        }
        System.err.println("\n**********************************************************************");
        System.err.println("* SKIPPED: " + message);
        System.err.println("**********************************************************************\n");
        Assumptions.abort(message);
    }

    /** True when {@code command --version} (or the given version arguments) runs and exits 0. */
    public static boolean onPath(String command, String... versionArgs) {
        try {
            List<String> cmd = new java.util.ArrayList<>(List.of(command));
            cmd.addAll(versionArgs.length == 0 ? List.of("--version") : List.of(versionArgs));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The repository's root (set by the surefire configuration). */
    public static Path repoRoot() {
        return Path.of(System.getProperty("vigil.repo.root", "..")).toAbsolutePath().normalize();
    }

    /** Installs the locked npm packages of a folder under the repository when they are not there yet. */
    public static void npmInstall(Path folder) {
        if (Files.isDirectory(folder.resolve("node_modules"))) {
            return;
        }
        require(onPath("npm"), "npm", "install Node.js 18+ with npm");
        try {
            Process p = new ProcessBuilder(List.of("npm", "ci", "--no-audit", "--no-fund"))
                    .directory(folder.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                require(false, "npm packages in " + folder, "'npm ci' failed there; run it by hand to see why");
            }
        } catch (IOException e) {
            require(false, "npm packages in " + folder, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
