package dev.stackwatch.testing;

import dev.stackwatch.server.StackwatchServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real server for a whole test class: {@code @RegisterExtension static final RunningServer server = new
 * RunningServer(yaml);} starts it (models loaded) before the class's own {@code @BeforeAll} and closes it after.
 */
public final class RunningServer implements BeforeAllCallback, AfterAllCallback {
    private final String yaml;
    private StackwatchServer server;

    public RunningServer(String yaml) {
        this.yaml = yaml;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = TestServers.start(yaml);
    }

    @Override
    public void afterAll(ExtensionContext context) {
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

    /** A fresh scrape of the server's /metrics. */
    public Scrape scrape() {
        return Scrape.of(server.managementPort());
    }
}
