package dev.stackwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.testing.TestServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stackwatch bench} as a separate process: options, the printed table, --json and the exit codes. */
class BenchCommandTest {

    @Test
    void benchRunsAgainstARealServerWritesJsonAndComparesWithItsMetrics(@TempDir Path dir) throws Exception {
        try (StackwatchServer server = TestServers.start(TestServers.FAST_SIMULATOR)) {
            Path json = dir.resolve("bench.json");
            Process p = CliProcessTest.java("bench", "--url", "http://127.0.0.1:" + server.port() + "/v1",
                    "--model", "sim-chat", "--concurrency", "2", "--requests", "10", "--stream",
                    "--prompt-tokens", "4:8", "--max-tokens", "6", "--json", json.toString(), "--no-progress",
                    "--compare-metrics", "http://127.0.0.1:" + server.managementPort() + "/metrics").start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bench finishes");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(out.contains("10 sent, 10 ok, 0 failed"), out + err);
            assertTrue(out.lines().anyMatch(l -> l.matches("requests\\s+10\\s+10\\s+exact\\s+ok")), out);

            JsonNode report = new ObjectMapper().readTree(json.toFile());
            assertEquals(10, report.at("/totals/requests").asInt());
            assertEquals(60, report.at("/totals/output_tokens").asInt(), "6 tokens each");
            assertEquals(10, report.at("/ttft/count").asInt());
            assertTrue(report.at("/end_to_end/p99").asDouble() > 0);
            assertEquals("concurrency", report.at("/setup/mode").asText());
            assertEquals("requests", report.at("/comparison/rows/0/metric").asText());
            assertEquals(10, report.at("/comparison/rows/0/server").asInt());
            // Exit code 1 would mean the comparison disagreed somewhere (latency rows included), which a loaded
            // machine can cause; the counts above are the part that must hold exactly.
            assertTrue(p.exitValue() == 0 || p.exitValue() == 1, "exit " + p.exitValue() + ": " + err);
        }
    }

    @Test
    void helpAndBadOptions() throws Exception {
        Process help = CliProcessTest.java("bench", "--help").start();
        assertTrue(help.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, help.exitValue());
        assertTrue(new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8).contains("--compare-metrics"));

        Process both = CliProcessTest.java("bench", "--model", "m", "--rate", "5", "--concurrency", "2").start();
        assertTrue(both.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, both.exitValue());
        assertTrue(new String(both.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)
                .contains("stackwatch: bench: give either --concurrency or --rate"));
    }
}
