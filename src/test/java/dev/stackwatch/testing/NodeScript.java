package dev.stackwatch.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a node script of src/test/js with the npm packages installed there (real clients such as llama-stack-client
 * and openai). Skips on a laptop without node or the packages, fails under CI=true.
 */
public final class NodeScript {
    public static final Path JS_DIR = Path.of("src/test/js").toAbsolutePath();

    private NodeScript() {
    }

    /** Skips or fails (see {@link ExternalTools}) unless node and each npm package are installed. */
    public static void require(String... packages) {
        ExternalTools.require("node");
        for (String p : packages) {
            if (!Files.isDirectory(JS_DIR.resolve("node_modules").resolve(p))) {
                ExternalTools.missing("npm", "src/test/js/node_modules/" + p + " is missing (run: cd src/test/js && npm ci)");
            }
        }
    }

    /** Runs {@code node script args...}; returns its stdout, or fails with its output when it exits non-zero. */
    public static String run(long timeoutSeconds, String script, String... args) {
        List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        try {
            Path stdout = Files.createTempFile("node-", ".out");
            Path stderr = Files.createTempFile("node-", ".err");
            Process p = new ProcessBuilder(command).directory(JS_DIR.toFile())
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            try {
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s:\n"
                            + Files.readString(stderr));
                }
                String out = Files.readString(stdout, StandardCharsets.UTF_8);
                if (p.exitValue() != 0) {
                    throw new AssertionError(command + " exited " + p.exitValue() + ":\n" + out
                            + Files.readString(stderr, StandardCharsets.UTF_8));
                }
                return out;
            } finally {
                Files.deleteIfExists(stdout);
                Files.deleteIfExists(stderr);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
