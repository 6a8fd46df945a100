package dev.stackwatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layers of docs/architecture.md, read from the imports of src/main: every arrow between the top-level packages
 * points down (or sideways between capabilities, without a loop). A new arrow up a layer fails, and so does a loop.
 */
class LayersTest {
    private static final Path MAIN = Path.of("src/main/java/dev/stackwatch");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.stackwatch\\.([a-z]+)\\.",
            Pattern.MULTILINE);

    /** Lower numbers are lower layers; a package may use its own layer (without a loop) and the ones below. */
    private static final Map<String, Integer> LAYER = Map.ofEntries(
            Map.entry("wire", 0), Map.entry("inference", 0), Map.entry("deadline", 0), Map.entry("prom", 0), Map.entry("lifecycle", 0),
            Map.entry("exchange", 0),
            Map.entry("config", 1),
            Map.entry("api", 2),
            Map.entry("provider", 3), Map.entry("security", 3), Map.entry("auth", 3), Map.entry("limits", 3), Map.entry("health", 3), Map.entry("console", 3),
            Map.entry("telemetry", 3), Map.entry("usage", 3), Map.entry("bench", 3), Map.entry("sink", 3),
            Map.entry("server", 4),
            Map.entry("cli", 5));

    /**
     * Arrows against the layers that are known and accepted, each with its reason; none today. An arrow added here is a
     * design decision, not a way around the test: a listed arrow that disappears fails it too, so the list only shrinks.
     */
    private static final Set<String> KNOWN_UPWARD = Set.of();

    /** Sideways arrows inside the capability layer must not make a loop; these are the ones allowed to exist. */
    private static final Set<String> KNOWN_SIDEWAYS = Set.of(
            "inference -> exchange",  // a provider call carries its request's exchange, for the observers
            "usage -> health", "usage -> telemetry",
            "limits -> auth",  // rate limits leave the open routes (probes) alone, as authentication does
            "security -> auth", "security -> limits");  // EdgeSecurity composes the edge's filters in order

    @Test
    void everyArrowPointsDownOrIsKnownDebt() {
        Map<String, Set<String>> arrows = arrows();
        Set<String> upward = new TreeSet<>();
        Set<String> sideways = new TreeSet<>();
        arrows.forEach((from, tos) -> tos.forEach(to -> {
            int a = layerOf(from);
            int b = layerOf(to);
            if (b > a) {
                upward.add(from + " -> " + to);
            } else if (b == a) {
                sideways.add(from + " -> " + to);
            }
        }));
        assertEquals(new TreeSet<>(KNOWN_UPWARD), upward,
                "arrows against the layers (docs/architecture.md); a new one is a design change, a gone one leaves "
                        + "KNOWN_UPWARD");
        Set<String> unexpected = new TreeSet<>(sideways);
        unexpected.removeAll(KNOWN_SIDEWAYS);
        assertEquals(Set.of(), unexpected, "new arrows between capabilities: add them here only if they make no loop");
    }

    @Test
    void noLoopsBesidesTheKnownUpwardArrows() {
        Map<String, Set<String>> arrows = arrows();
        KNOWN_UPWARD.forEach(a -> {
            String[] parts = a.split(" -> ");
            arrows.getOrDefault(parts[0], new TreeSet<>()).remove(parts[1]);
        });
        List<String> loops = new ArrayList<>();
        for (String start : arrows.keySet()) {
            if (reaches(arrows, start, start, new TreeSet<>())) {
                loops.add(start);
            }
        }
        assertEquals(List.of(), loops, "packages on a loop: " + arrows);
    }

    private static boolean reaches(Map<String, Set<String>> arrows, String from, String target, Set<String> seen) {
        for (String next : arrows.getOrDefault(from, Set.of())) {
            if (next.equals(target)) {
                return true;
            }
            if (seen.add(next) && reaches(arrows, next, target, seen)) {
                return true;
            }
        }
        return false;
    }

    private static int layerOf(String pkg) {
        Integer layer = LAYER.get(pkg);
        if (layer == null) {
            throw new AssertionError("package " + pkg + " has no layer in LayersTest and docs/architecture.md");
        }
        return layer;
    }

    /** Top-level package to the top-level packages its files import (sub-packages fold into their parent). */
    private static Map<String, Set<String>> arrows() {
        Map<String, Set<String>> arrows = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = MAIN.relativize(file);
                if (relative.getNameCount() < 2) {
                    continue; // Main and BuildInfo: the root, above and beside everything
                }
                String from = relative.getName(0).toString();
                layerOf(from);
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    if (!m.group(1).equals(from)) {
                        arrows.computeIfAbsent(from, k -> new TreeSet<>()).add(m.group(1));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return arrows;
    }
}
