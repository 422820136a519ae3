package dev.vigil.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Podman as the tests drive it: with runc, the host's network and the repository's container/containers.conf,
 * the settings that run containers on a machine without cgroup controllers. In CI a missing podman or runc
 * fails the test; elsewhere it is skipped loudly.
 */
public final class Podman {
    private Podman() {
    }

    public static void requireInstalled() {
        ExternalTool.require(ExternalTool.onPath("podman", "--version") && ExternalTool.onPath("runc", "--version"),
                "podman and runc", "apt-get install podman runc uidmap");
    }

    /** {@code podman <args>}, to its end. */
    public static Command.Result podman(Duration timeout, List<String> args) {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(args);
        return Command.run(ExternalTool.repoRoot(), timeout,
                Map.of("CONTAINERS_CONF", ExternalTool.repoRoot().resolve("container/containers.conf").toString()), command);
    }

    /** Like {@link #podman} and fails with podman's output unless it exits 0; returns that output, trimmed. */
    public static String ok(List<String> args) {
        Command.Result r = podman(Duration.ofMinutes(2), args);
        if (r.exitCode() != 0) {
            throw new AssertionError(r.describe());
        }
        return r.output().trim();
    }

    /** {@code podman run} with runc and the host's network, then the given options, image and arguments. */
    public static Command.Result run(Duration timeout, List<String> optionsImageAndArgs) {
        List<String> args = new ArrayList<>(List.of("run", "--runtime", "runc", "--network=host"));
        args.addAll(optionsImageAndArgs);
        return podman(timeout, args);
    }

    /**
     * Builds the image with container/build.sh from the jar Maven packaged, under the given name; returns what
     * the script printed (its last line names the image and its size).
     */
    public static String buildImage(String image) {
        requireInstalled();
        Path jar = ExternalTool.repoRoot().resolve("exporter/target/vigil-exporter.jar");
        Command.Result r = Command.run(ExternalTool.repoRoot(), Duration.ofMinutes(10),
                Map.of("VIGIL_JAR", jar.toString(), "VIGIL_IMAGE", image,
                        "CONTAINERS_CONF", ExternalTool.repoRoot().resolve("container/containers.conf").toString()),
                List.of("bash", "container/build.sh"));
        if (r.exitCode() != 0) {
            throw new AssertionError(r.describe());
        }
        return r.output();
    }
}
