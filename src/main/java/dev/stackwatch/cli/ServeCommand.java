package dev.stackwatch.cli;

import dev.stackwatch.BuildInfo;
import dev.stackwatch.config.ConfigLoader;
import dev.stackwatch.config.RunConfig;
import dev.stackwatch.config.ServerConfig;
import dev.stackwatch.console.ConsoleEndpoints;
import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.telemetry.TelemetrySettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code stackwatch [serve] [--config FILE]}: the server. Config from --config, LLAMA_STACK_CONFIG, or built in. */
final class ServeCommand {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
    static final String USAGE = """
            usage: java -jar stackwatch.jar [serve] [--config FILE]
              --config FILE   LlamaStack run.yaml (default: $LLAMA_STACK_CONFIG, else the built-in simulator config)
            environment: LLS_HOST (listen address, default 0.0.0.0), LLS_PORT, MANAGEMENT_PORT, LOG_LEVEL (debug|info|warn|error), LOG_FORMAT (json|text),
                         LOG_PROMPTS (true|false, default false), OTEL_* (tracing: set OTEL_EXPORTER_OTLP_ENDPOINT)""";

    private ServeCommand() {
    }

    static int run(String[] argv, Map<String, String> env) throws InterruptedException {
        Args args = new Args(argv, Set.of("config", "help"));
        if (args.has("help")) {
            System.out.println(USAGE);
            return 0;
        }
        CountDownLatch stop = StopSignals.install();
        Started started = start(args.get("config", env.get("LLAMA_STACK_CONFIG")), env);
        stop.await();
        LOG.info("stop signal received; draining for up to {} ms",
                started.config().server().drainTimeout().toMillis());
        started.server().close();
        return 0;
    }

    /** A running server and the configuration it was started with. */
    record Started(StackwatchServer server, RunConfig config) {}

    /**
     * Loads the configuration ({@code path}, or the built-in one when null or blank) and starts the server, as
     * {@code serve} does; the training run starts its server through here too, so that the start-up cache holds the
     * code a replica runs before it answers.
     */
    static Started start(String path, Map<String, String> env) {
        long start = System.nanoTime();
        ConfigLoader loader = new ConfigLoader(env, LOG::warn);
        RunConfig config = path == null || path.isBlank() ? loader.loadDefault() : loader.load(Path.of(path));
        StackwatchServer server = StackwatchServer.start(config, TelemetrySettings.fromEnv(env), List.of());
        LOG.info("Stackwatch {} serving the API on port {} and management on port {} (config: {}) after {} ms",
                BuildInfo.load().version(), server.port(), server.managementPort(), config.source(),
                (System.nanoTime() - start) / 1_000_000);
        if (config.server().managementPort() != ServerConfig.NO_MANAGEMENT) {
            LOG.info("Live console: http://{}:{}{}", displayHost(config.server().host()), server.managementPort(),
                    ConsoleEndpoints.PATH);
        }
        return new Started(server, config);
    }

    /** A wildcard bind address is not something a browser can open; localhost is, on the same machine. */
    private static String displayHost(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.isBlank() ? "localhost" : host;
    }
}
