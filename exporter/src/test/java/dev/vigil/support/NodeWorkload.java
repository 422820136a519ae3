package dev.vigil.support;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A script from e2e/bullmq run with Node against a real Redis: it prints one JSON line of what BullMQ
 * itself reports, then READY, and keeps its workers connected until this object is closed.
 */
public final class NodeWorkload implements AutoCloseable {
    private final Process process;
    private final JsonObject report;
    private final BufferedReader out;

    private NodeWorkload(Process process, JsonObject report, BufferedReader out) {
        this.process = process;
        this.report = report;
        this.out = out;
    }

    /** Node and the locked npm packages, or a loud skip (a failure in CI). */
    public static Path folder() {
        ExternalTool.require(ExternalTool.onPath("node"), "Node.js", "install Node.js 18+ to run the BullMQ end-to-end tests");
        Path dir = ExternalTool.repoRoot().resolve("e2e/bullmq");
        ExternalTool.npmInstall(dir);
        return dir;
    }

    public static NodeWorkload run(String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of("node", script));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).directory(folder().toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String json = out.readLine();
            String ready = out.readLine();
            if (json == null || !"READY".equals(ready)) {
                p.destroyForcibly();
                throw new IllegalStateException(script + " did not report READY (exit " + waitExit(p) + "), printed: " + json);
            }
            return new NodeWorkload(p, new JsonObject(json), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonObject report() {
        return report;
    }

    /** Sends one line to a script that answers each with one JSON line (churn.mjs), and returns the answer. */
    public JsonObject ask(String line) {
        try {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
            String answer = out.readLine();
            if (answer == null) {
                throw new IllegalStateException("workload exited (status " + waitExit(process) + ") instead of answering " + line);
            }
            return new JsonObject(answer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int waitExit(Process p) {
        try {
            return p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Closes stdin (the script's signal to shut down) and requires a clean exit. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int status = waitExit(process);
        if (status != 0) {
            process.destroyForcibly();
            throw new AssertionError("workload exited with status " + status);
        }
    }
}
