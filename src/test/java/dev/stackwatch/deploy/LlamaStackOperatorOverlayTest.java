package dev.stackwatch.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.config.ConfigLoader;
import dev.stackwatch.config.RunConfig;
import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.testing.Http;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.Scrape;
import dev.stackwatch.testing.SimulatorUpstream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The run.yaml of the llamastack-operator overlay, as Stackwatch reads it, in front of a distribution (the simulator
 * acting as one, at the URL the overlay's LLAMASTACK_URL would give): it loads without warnings, discovers the
 * distribution's models, shows the distribution's health on /ready, and relays its API.
 */
class LlamaStackOperatorOverlayTest {
    private static final Path RUN_YAML = Repo.DEPLOY.resolve("kubernetes/overlays/llamastack-operator/run.yaml");

    private static HttpResponse<String> get(URI uri) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theOverlaysRunYamlFrontsADistribution() throws Exception {
        try (SimulatorUpstream distribution = SimulatorUpstream.start("{distribution: true}")) {
            List<String> warnings = new ArrayList<>();
            RunConfig config = new ConfigLoader(Map.of("LLAMASTACK_URL", "http://127.0.0.1:" + distribution.port(), "INFERENCE_MODEL", "sim-chat"),
                    warnings::add).parse(Files.readString(RUN_YAML), RUN_YAML.toString());
            assertEquals(List.of(), warnings, "every key of the overlay's run.yaml is known");
            try (StackwatchServer server = StackwatchServer.start(
                    config.withServer(config.server().onLoopback(0, 0)));
                 Http http = new Http(server.port())) {
                Polling.await(Duration.ofSeconds(20), "a model discovered from the distribution",
                        () -> server.catalog().models().stream().anyMatch(m -> m.id().equals("sim-embed")));
                URI readyUri = URI.create("http://127.0.0.1:" + server.managementPort() + "/ready");
                HttpResponse<String> ready = Polling.awaitValue(Duration.ofSeconds(20), "ready", () -> {
                    HttpResponse<String> r = get(readyUri);
                    return r.statusCode() == 200 ? r : null;
                });
                assertTrue(ready.body().contains("\"provider:llamastack\""), ready.body());
                assertEquals(200, http.post("/v1/vector_stores", "{\"name\": \"docs\"}").statusCode());
                assertEquals(200, http.get("/v1alpha/admin/health").statusCode());
                Scrape scrape = Scrape.of(server.managementPort());
                assertEquals(1.0, scrape.sum("llamastack_provider_health", Map.of("provider", "llamastack")));
                assertEquals(1.0, scrape.sum("llamastack_model_ready", Map.of("model", "sim-chat",
                        "provider", "llamastack")), "the registered model, labelled by name");
                assertEquals(1.0, scrape.sum("llamastack_requests_total",
                        Map.of("endpoint", "/v1alpha/admin/health", "status", "200")));
            }
        }
    }
}
