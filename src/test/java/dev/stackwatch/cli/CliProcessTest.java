package dev.stackwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.stackwatch.testing.Polling;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real program, as a separate process: exit codes, stderr and the simulate sub-command. */
class CliProcessTest {

    static ProcessBuilder java(String... args) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), "dev.stackwatch.Main"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    @Test
    void topLevelHelpListsEverySubCommand() throws Exception {
        for (String flag : List.of("--help", "-h", "help")) {
            Process p = java(flag).start();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "exits promptly");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), out);
            for (String command : List.of("serve", "simulate", "bench", "alert-sink", "train", "help")) {
                assertTrue(out.lines().anyMatch(l -> l.strip().startsWith(command + " ")), flag + " lists " + command
                        + ":\n" + out);
            }
        }
    }

    @Test
    void badConfigStopsStartUpWithOneLineNamingFileAndField(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("run.yaml");
        Files.writeString(config, """
                providers:
                  inference:
                  - provider_id: sim
                    provider_type: inline::simulator
                models:
                - {model_id: m, provider_id: missing}
                """);
        ProcessBuilder pb = java("--config", config.toString());
        pb.environment().remove("LLAMA_STACK_CONFIG");
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "exits promptly");
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(2, p.exitValue(), stderr);
        assertEquals("stackwatch: configuration error: " + config + ": models[0].provider_id: no provider 'missing' "
                + "(providers: sim)", stderr);
    }

    @Test
    void configPathComesFromLlamaStackConfigAndBadPortEnvIsNamed(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("from-env.yaml");
        Files.writeString(config, "providers: {inference: [{provider_id: s, provider_type: inline::simulator}]}\n");
        ProcessBuilder pb = java();
        pb.environment().put("LLAMA_STACK_CONFIG", config.toString());
        pb.environment().put("LLS_PORT", "99999");
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(2, p.exitValue(), stderr);
        assertEquals("stackwatch: configuration error: environment: LLS_PORT: '99999' is not a valid port (0..65535)", stderr);
    }

    @Test
    void aPortInUseStopsStartUpNamingThePortAndItsSetting(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("run.yaml");
        Files.writeString(config, "providers: {inference: [{provider_id: s, provider_type: inline::simulator}]}\n"
                + "server: {host: 127.0.0.1, management_port: 0}\n");
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ProcessBuilder pb = java("--config", config.toString());
            pb.environment().put("LLS_PORT", String.valueOf(taken.getLocalPort()));
            Path stdout = dir.resolve("stdout.txt");
            pb.redirectOutput(stdout.toFile());
            Process p = pb.start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits instead of running without a listener");
            String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertEquals(2, p.exitValue(), "like any other configuration error: " + stderr);
            assertEquals("stackwatch: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + ", the API port (server.port / LLS_PORT): Address already in use", stderr);
            String logs = Files.readString(stdout);
            assertFalse(logs.contains("ERROR") || logs.contains("\tat "), "no ERROR lines or stack traces: " + logs);
        }
    }

    @Test
    void unknownCommandIsAUsageError() throws Exception {
        Process p = java("frobnicate").start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        assertTrue(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).contains("unknown command 'frobnicate'"));
    }

    @Test
    void simulateServesAnOpenAiCompatibleUpstream() throws Exception {
        Process p = java("simulate", "--port", "0", "--ttft-ms", "1", "--inter-token-ms", "0", "--models", "up-a,up-b")
                .redirectErrorStream(true).start();
        try {
            // Lines are read on their own thread so the bound below holds even if the expected line never comes.
            LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread.ofVirtual().start(() -> new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8)).lines().forEach(lines::add));
            int port = Polling.awaitValue(Duration.ofSeconds(30), "the simulator to print its port", () -> {
                String line = lines.poll();
                if (line == null && !p.isAlive()) {
                    throw new AssertionError("simulator exited with " + p.exitValue());
                }
                return line != null && line.startsWith("simulator listening on port ")
                        ? Integer.parseInt(line.substring("simulator listening on port ".length())) : null;
            });
            OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1")
                    .apiKey("x").maxRetries(0).build();
            try {
                Polling.await(Duration.ofSeconds(10), "models to load", () -> client.models().list().data().size() == 3);
                var c = client.chat().completions().create(ChatCompletionCreateParams.builder().model("up-b")
                        .addUserMessage("hello upstream").maxCompletionTokens(4).build());
                assertEquals(4, c.usage().orElseThrow().completionTokens());
            } finally {
                client.close();
            }
        } finally {
            p.destroy();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "simulator stops on SIGTERM");
        }
    }
}
