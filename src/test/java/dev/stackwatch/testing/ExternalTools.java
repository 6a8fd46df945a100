package dev.stackwatch.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Gate for tests that need a real external tool (promtool, prometheus, chromium, ...). On a developer's laptop a missing
 * tool skips the test with a loud message; with {@code CI=true} a missing tool fails it, so CI never passes by skipping.
 */
public final class ExternalTools {
    private ExternalTools() {
    }

    public static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** The tool's path on PATH (or an absolute path), or skip / fail as described above. */
    public static Path require(String tool) {
        return find(tool).orElseGet(() -> missing(tool, "'" + tool + "' is not installed (run .ci/run, or install it)"));
    }

    public static Optional<Path> find(String tool) {
        if (tool.contains("/")) {
            Path p = Path.of(tool);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(":")) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Skips (laptop) or fails (CI) with {@code why}. */
    public static <T> T missing(String tool, String why) {
        String message = "\n*** SKIPPED: " + why + " ***\n";
        if (inCi()) {
            fail("CI=true and a required tool is missing: " + why);
        }
        System.err.println(message);
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }
}
