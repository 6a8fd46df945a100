package dev.stackwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/aot-cache path HOME}, which bin/stackwatch runs on every launch: the cache is named after the exact Java
 * runtime in the installation's {@code release} file. The script runs with an empty PATH here, so these also show that
 * it names the cache without starting any other program.
 */
class AotCacheNameTest {
    private static final Path SCRIPT = Path.of("bin/aot-cache").toAbsolutePath();

    @Test
    void theNameCarriesTheExactRuntimeVersionWithOtherCharactersReplaced(@TempDir Path dir) throws Exception {
        Path home = installation(dir, "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"25.0.3\"\n"
                + "JAVA_RUNTIME_VERSION=\"25.0.3+9-LTS\"\n");
        assertEquals(target().resolve("stackwatch-jdk-25.0.3_9-LTS.aot").toString(), path(dir, home));
    }

    @Test
    void withoutARuntimeVersionTheJavaVersionNamesItAndAnOlderJdkGetsAClassArchive(@TempDir Path dir)
            throws Exception {
        // No newline after the last line: still read.
        Path home = installation(dir, "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"21.0.5\"");
        assertEquals(target().resolve("stackwatch-jdk-21.0.5.jsa").toString(), path(dir, home));
    }

    @Test
    void anInstallationThatDoesNotSayItsVersionHasNoCache(@TempDir Path dir) throws Exception {
        Path home = installation(dir, "IMPLEMENTOR=\"x\"\n");
        assertEquals("", path(dir, home));
    }

    private static Path installation(Path dir, String release) throws IOException {
        Path home = Files.createDirectories(dir.resolve("jdk"));
        Files.writeString(home.resolve("release"), release);
        return home;
    }

    private static Path target() throws IOException {
        return Path.of("target").toRealPath();
    }

    private static String path(Path dir, Path home) throws Exception {
        Path emptyPath = Files.createDirectories(dir.resolve("no-tools"));
        ProcessBuilder pb = new ProcessBuilder(List.of("/bin/sh", SCRIPT.toString(), "path", home.toString()));
        pb.environment().clear();
        pb.environment().put("PATH", emptyPath.toString());
        Process p = pb.start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), stderr);
        assertEquals("", stderr);
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }
}
