package dev.stackwatch.testing;

import dev.stackwatch.config.RunConfig;
import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.telemetry.TelemetrySettings;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The one way tests run a real server: started from a run.yaml (or a {@link RunConfig}) on 127.0.0.1 and free ports,
 * its models loaded, with a client for its API port and one for its management port; closing it closes all three.
 * For a whole test class: {@code @RegisterExtension static final RunningServer server = new RunningServer(yaml);}
 * starts it before the class's own {@code @BeforeAll} and closes it after. For one test, or a class whose config needs
 * something started first: {@code try (RunningServer server = RunningServer.start(yaml)) { ... }}.
 */
public final class RunningServer implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
    private final Supplier<StackwatchServer> starter;
    private StackwatchServer server;
    private Http api;
    private Http management;

    public RunningServer(String yaml) {
        this(() -> TestServers.start(yaml));
    }

    private RunningServer(Supplier<StackwatchServer> starter) {
        this.starter = starter;
    }

    public static RunningServer start(String yaml) {
        return new RunningServer(yaml).open();
    }

    public static RunningServer start(RunConfig config) {
        return start(config, TelemetrySettings.DEFAULTS);
    }

    public static RunningServer start(RunConfig config, TelemetrySettings telemetry) {
        return new RunningServer(() -> TestServers.startAndAwait(config, telemetry)).open();
    }

    private RunningServer open() {
        server = starter.get();
        api = new Http(server.port());
        management = new Http(server.managementPort());
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        open();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        api.close();
        management.close();
        server.close();
    }

    public StackwatchServer get() {
        return server;
    }

    public int port() {
        return server.port();
    }

    public int managementPort() {
        return server.managementPort();
    }

    /** Calls to the API port. */
    public Http api() {
        return api;
    }

    /** Calls to the management port (the API port when both share one listener). */
    public Http management() {
        return management;
    }

    /** A fresh scrape of the server's /metrics. */
    public Scrape scrape() {
        return Scrape.of(server.managementPort());
    }
}
