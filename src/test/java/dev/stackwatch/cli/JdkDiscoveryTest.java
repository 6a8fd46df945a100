package dev.stackwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/jdk-home, which the README's two commands run through (mvnw and bin/stackwatch): on a machine whose default java
 * is older than 21 it finds a newer one in the usual folders, and with none it says in one line what to install.
 * The installations here are folders with a {@code release} file and executable stubs, which is all it reads.
 */
class JdkDiscoveryTest {
    private static final Path SCRIPT = Path.of("bin/jdk-home").toAbsolutePath();

    private record Run(int exit, String stdout, String stderr) {
    }

    @Test
    void anOldJavaHomeIsPassedOverForTheNewestInstalledJdk(@TempDir Path dir) throws Exception {
        Path old = fakeJava(dir.resolve("jvm/java-17"), "17.0.15", true);
        fakeJava(dir.resolve("jvm/jdk-21"), "21.0.5", true);
        Path newest = fakeJava(dir.resolve("jvm/jdk-25"), "25.0.3", true);
        Run run = run(dir, Map.of("JAVA_HOME", old.toString()), "--jdk");
        assertEquals(0, run.exit(), run.stderr());
        assertEquals(newest.toString(), run.stdout().strip());
    }

    @Test
    void aNewEnoughJavaHomeWins(@TempDir Path dir) throws Exception {
        Path home = fakeJava(dir.resolve("mine/jdk-21"), "21.0.1", true);
        fakeJava(dir.resolve("jvm/jdk-25"), "25.0.3", true);
        Run run = run(dir, Map.of("JAVA_HOME", home.toString()), "--jdk");
        assertEquals(home.toString(), run.stdout().strip());
    }

    @Test
    void theBuildNeedsACompilerButTheLauncherDoesNot(@TempDir Path dir) throws Exception {
        Path jre = fakeJava(dir.resolve("jvm/jre-21"), "21.0.5", false);
        assertEquals(jre.toString(), run(dir, Map.of()).stdout().strip());
        Run build = run(dir, Map.of(), "--jdk");
        assertEquals(2, build.exit());
    }

    @Test
    void withNoJava21AnywhereItSaysWhatToInstallInOneLine(@TempDir Path dir) throws Exception {
        fakeJava(dir.resolve("jvm/java-17"), "17.0.15", true);
        Run run = run(dir, Map.of(), "--jdk");
        assertEquals(2, run.exit());
        assertEquals("", run.stdout());
        List<String> lines = run.stderr().strip().lines().toList();
        assertEquals(1, lines.size(), run.stderr());
        assertTrue(lines.getFirst().startsWith("stackwatch needs a JDK 21 or newer"), lines.getFirst());
    }

    private static Path fakeJava(Path home, String version, boolean withCompiler) throws IOException {
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
        executable(home.resolve("bin/java"));
        if (withCompiler) {
            executable(home.resolve("bin/javac"));
        }
        return home;
    }

    private static void executable(Path file) throws IOException {
        Files.writeString(file, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /**
     * PATH holds only the few tools the script uses and no java, so only JAVA_HOME and the folders under
     * {@code dir/jvm} count, whatever this machine has installed.
     */
    private static Run run(Path dir, Map<String, String> env, String... args) throws Exception {
        Path tools = dir.resolve("tools");
        if (!Files.isDirectory(tools)) {
            Files.createDirectories(tools);
            for (String tool : List.of("sed", "dirname", "readlink")) {
                Files.createSymbolicLink(tools.resolve(tool), Path.of("/usr/bin", tool).toRealPath());
            }
        }
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of("/bin/sh", SCRIPT.toString())));
        pb.command().addAll(List.of(args));
        pb.environment().clear();
        pb.environment().put("PATH", tools.toString());
        pb.environment().put("HOME", dir.toString());
        pb.environment().put("STACKWATCH_JDK_DIRS", dir.resolve("jvm") + "/*");
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
