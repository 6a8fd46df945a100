package dev.stackwatch.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stackwatch.testing.ExternalTools;
import dev.stackwatch.testing.Polling;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/local-stack.sh as a user runs it, as a process: it starts Stackwatch, Prometheus with the shipped rules,
 * Alertmanager with the shipped routing and the notification sink; {@code --fire} sends failing requests; the demo
 * alert's notification is printed by the sink; SIGTERM stops every process it started and removes its data folder.
 */
class LocalStackTest {

    @Test
    void startsFiresAnAlertShowsTheNotificationAndStopsEverything(@TempDir Path tmp) throws Exception {
        ExternalTools.require("prometheus");
        ExternalTools.require("prometheus-alertmanager");
        ExternalTools.require("curl");
        int sinkPort = MonitoringStack.freePort();
        List<String> command = new ArrayList<>(List.of("bash", "scripts/local-stack.sh", "--fire"));
        for (String option : List.of("--api-port", "--management-port", "--prometheus-port", "--alertmanager-port")) {
            command.addAll(List.of(option, Integer.toString(MonitoringStack.freePort())));
        }
        command.addAll(List.of("--sink-port", Integer.toString(sinkPort)));
        ProcessBuilder pb = new ProcessBuilder(command).directory(Repo.ROOT.toFile()).redirectErrorStream(true);
        pb.environment().put("STACKWATCH_CMD", ProcessHandle.current().info().command().orElseThrow()
                + " -cp " + System.getProperty("java.class.path") + " dev.stackwatch.Main");
        pb.environment().put("TMPDIR", tmp.toString());
        Process script = pb.start();
        StringBuffer out = new StringBuffer();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(script.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    out.append(line).append('\n');
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            String pidLine = Polling.awaitValue(Duration.ofSeconds(180), "the stack to start", () ->
                    out.toString().lines().filter(l -> l.startsWith("pids: ")).findFirst().orElse(null));
            List<Long> pids = Arrays.stream(pidLine.substring(6).trim().split(" ")).map(Long::parseLong).toList();
            assertEquals(5, pids.size(), out.toString());
            assertTrue(out.toString().contains("Prometheus alerts   http://127.0.0.1:"), out.toString());

            // The failing requests become the demo alert, routed by the shipped config to its default receiver.
            Polling.await(Duration.ofSeconds(150), "the notification to be printed by the sink",
                    () -> out.toString().contains("FIRING LocalStackDemoErrors"));
            MonitoringStack http = new MonitoringStack();
            JsonNode received = Repo.JSON.readTree(http.get("http://127.0.0.1:" + sinkPort + "/").body());
            http.close();
            assertTrue(received.size() >= 1, received.toString());
            assertEquals("/web.hook", received.get(0).path("path").asText(), received.toString());
            assertEquals("LocalStackDemoErrors",
                    received.get(0).path("notification").path("alerts").get(0).path("labels").path("alertname").asText());

            // SIGTERM as kill sends it (Process.destroy would also close the pipe the script reports on).
            assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(script.pid())).start().waitFor());
            assertTrue(script.waitFor(60, TimeUnit.SECONDS), "the script stops\n" + out);
            assertEquals(143, script.exitValue(), out.toString());
            for (long pid : pids) {
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                        "process " + pid + " still running after the script stopped\n" + out);
            }
            try (Stream<Path> left = Files.list(tmp)) {
                assertEquals(List.of(), left.toList(), "the data folder is removed");
            }
            assertTrue(out.toString().contains("local-stack: stopped"), out.toString());
        } finally {
            script.descendants().forEach(ProcessHandle::destroyForcibly);
            script.destroyForcibly();
        }
    }
}
