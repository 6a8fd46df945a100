package dev.stackwatch.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stackwatch as a real process ({@code java -cp <test classpath> dev.stackwatch.Main}), for tests that must see every
 * byte it writes: stdout and stderr go to files (a pipe read while the process exits can lose its last lines).
 */
public final class ServerProcess implements AutoCloseable {
    private static final Pattern PORTS = Pattern.compile("serving the API on port (\\d+) and management on port (\\d+)");

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final int port;
    private final int managementPort;

    /** Starts with only {@code env} (plus PATH/HOME) and free ports, output in {@code dir}; waits until it serves. */
    public ServerProcess(Path dir, Map<String, String> env, String... args) {
        this(dir, List.of(), env, args);
    }

    /** As above, with JVM options such as {@code -Xmx256m} before the main class. */
    public ServerProcess(Path dir, List<String> jvmOptions, Map<String, String> env, String... args) {
        this(dir, javaCommand(jvmOptions), env, List.of(args));
    }

    /** Through a launcher such as bin/stackwatch, which picks its own JVM (JAVA_HOME is kept for it). */
    public static ServerProcess launchedBy(Path launcher, Path dir, Map<String, String> env, String... args) {
        return new ServerProcess(dir, List.of(launcher.toString()), env, List.of(args));
    }

    private static List<String> javaCommand(List<String> jvmOptions) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.stackwatch.Main"));
        return command;
    }

    private ServerProcess(Path dir, List<String> program, Map<String, String> env, List<String> args) {
        List<String> command = new ArrayList<>(program);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME") && !k.equals("JAVA_HOME"));
        environment.putAll(Map.of("LLS_PORT", "0", "MANAGEMENT_PORT", "0"));
        environment.putAll(env);
        stdout = dir.resolve("stdout.txt");
        stderr = dir.resolve("stderr.txt");
        builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Matcher ports = Polling.awaitValue(Duration.ofSeconds(90), "the server process to start", () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("exited with " + process.exitValue() + ": " + stdout() + stderr());
            }
            return stdout().stream().map(PORTS::matcher).filter(Matcher::find).findFirst().orElse(null);
        });
        port = Integer.parseInt(ports.group(1));
        managementPort = Integer.parseInt(ports.group(2));
    }

    public int port() {
        return port;
    }

    public int managementPort() {
        return managementPort;
    }

    /** Lines written so far; complete after {@link #close()}. A line being written may be cut short. */
    public List<String> stdout() {
        return lines(stdout);
    }

    public List<String> stderr() {
        return lines(stderr);
    }

    /** Stops it the way an orchestrator does (SIGTERM, so shutdown hooks flush) and waits for its last line. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
