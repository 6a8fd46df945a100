package dev.stackwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * target/stackwatch.jar is the classes and every runtime dependency merged into one jar (the shade plugin in the pom;
 * one class-path entry starts faster). Per-jar metadata only keeps its meaning if the merge joined it: these check,
 * against each dependency jar the build resolved (target/runtime-classpath.txt), that nothing was lost or replaced.
 */
class OneJarIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static JarFile merged;
    private static List<Path> dependencies;

    @BeforeAll
    static void open() throws IOException {
        merged = new JarFile(ROOT.resolve("target/stackwatch.jar").toFile());
        dependencies = Arrays.stream(Files.readString(ROOT.resolve("target/runtime-classpath.txt")).strip()
                .split(java.io.File.pathSeparator)).map(Path::of).toList();
        assertTrue(dependencies.size() > 50, "the build listed the jars it merged: " + dependencies);
    }

    @AfterAll
    static void close() throws IOException {
        merged.close();
    }

    @Test
    void everyClassAndResourceOfEveryDependencyIsThereWithItsOwnBytes() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (Path jar : dependencies) {
            try (ZipFile dependency = new ZipFile(jar.toFile())) {
                dependency.stream().filter(e -> !e.isDirectory() && isCode(e.getName())).forEach(e -> {
                    ZipEntry there = merged.getEntry(e.getName());
                    if (there == null) {
                        wrong.add(jar.getFileName() + ": " + e.getName() + " is missing");
                    } else if (!Arrays.equals(bytes(dependency, e), bytes(merged, there))) {
                        wrong.add(jar.getFileName() + ": " + e.getName() + " differs (another jar's copy won)");
                    }
                });
            }
        }
        assertEquals(List.of(), wrong.subList(0, Math.min(20, wrong.size())), wrong.size() + " entries");
    }

    @Test
    void serviceFilesAndHelidonManifestsAreTheUnionOfAllTheJars() throws IOException {
        List<String> lost = new ArrayList<>();
        int joined = 0;
        for (Path jar : dependencies) {
            try (ZipFile dependency = new ZipFile(jar.toFile())) {
                for (ZipEntry e : dependency.stream().filter(OneJarIT::isJoined).toList()) {
                    ZipEntry there = merged.getEntry(e.getName());
                    List<String> all = there == null ? List.of() : lines(bytes(merged, there));
                    for (String line : lines(bytes(dependency, e))) {
                        joined++;
                        if (!all.contains(line)) {
                            lost.add(jar.getFileName() + ": " + e.getName() + " line '" + line + "'");
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), lost);
        assertTrue(joined > 30, joined + " lines checked");
        // Both Jackson factories, which two jars each list in the same file name.
        assertEquals(List.of("com.fasterxml.jackson.core.JsonFactory",
                "com.fasterxml.jackson.dataformat.yaml.YAMLFactory"),
                lines(bytes(merged, merged.getEntry("META-INF/services/com.fasterxml.jackson.core.JsonFactory"))));
        // Every per-module file Helidon's merged manifest names is there.
        for (String file : lines(bytes(merged, merged.getEntry("META-INF/helidon/manifest")))) {
            assertNotNull(merged.getEntry(file), file);
        }
    }

    @Test
    void theManifestStartsTheServerAndKeepsVersionedClasses() throws IOException {
        Manifest manifest = merged.getManifest();
        assertEquals("dev.stackwatch.Main", manifest.getMainAttributes().getValue("Main-Class"));
        assertEquals("true", manifest.getMainAttributes().getValue("Multi-Release"));
        assertEquals("ALL-UNNAMED", manifest.getMainAttributes().getValue("Enable-Native-Access"));
        assertNull(manifest.getMainAttributes().getValue("Class-Path"), "nothing outside the jar");
        assertTrue(merged.stream().anyMatch(e -> e.getName().startsWith("META-INF/versions/")
                && e.getName().endsWith(".class")), "versioned classes of multi-release dependencies");
        assertFalse(merged.stream().anyMatch(e -> e.getName().endsWith("module-info.class")),
                "module descriptors describe one jar each");
    }

    /** Classes and resources a program loads by name; metadata under META-INF other than versioned classes and
     *  native libraries is per jar, and the merge joins (or drops) it on purpose. */
    private static boolean isCode(String name) {
        if (name.endsWith("module-info.class")) {
            return false;
        }
        return !name.startsWith("META-INF/") || name.startsWith("META-INF/versions/")
                || name.startsWith("META-INF/native/");
    }

    private static boolean isJoined(ZipEntry e) {
        return !e.isDirectory() && (e.getName().startsWith("META-INF/services/")
                || e.getName().equals("META-INF/helidon/manifest"));
    }

    /** The non-comment lines: a service file's providers, a Helidon manifest's file names. */
    private static List<String> lines(byte[] content) {
        return new String(content, StandardCharsets.UTF_8).lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    private static byte[] bytes(ZipFile zip, ZipEntry entry) {
        try (var in = zip.getInputStream(entry)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
