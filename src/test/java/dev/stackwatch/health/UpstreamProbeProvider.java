package dev.stackwatch.health;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stackwatch.config.ModelConfig;
import dev.stackwatch.config.ProviderConfig;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.EmbeddingRequest;
import dev.stackwatch.inference.Embeddings;
import dev.stackwatch.inference.GenerationRequest;
import dev.stackwatch.inference.InferenceProvider;
import dev.stackwatch.inference.Model;
import dev.stackwatch.inference.ProviderHealth;
import dev.stackwatch.inference.TokenSink;
import dev.stackwatch.provider.ProviderTypes;
import dev.stackwatch.provider.simulator.SimulatorProvider;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Test provider type {@code test::upstream}: serves no models; its health check is a real HTTP GET to {@code config.url}
 * as a remote provider's would be, so the probes are tested against real sockets (refused, hanging, answering). Its own
 * timeouts are long on purpose: the health monitor's timeout is what must bound a hanging check.
 */
final class UpstreamProbeProvider implements InferenceProvider {
    static final String TYPE = "test::upstream";

    private final String id;
    private final URI url;
    private final JsonNode config;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();

    private UpstreamProbeProvider(String id, URI url, JsonNode config) {
        this.id = id;
        this.url = url;
        this.config = config;
    }

    static ProviderTypes types() {
        return new ProviderTypes(Map.of(SimulatorProvider.TYPE, SimulatorProvider::create,
                TYPE, UpstreamProbeProvider::create));
    }

    static UpstreamProbeProvider create(ProviderConfig config, List<ModelConfig> models) {
        return new UpstreamProbeProvider(config.providerId(), URI.create(config.config().requiredText("url")),
                config.config().raw());
    }

    @Override
    public ProviderHealth checkHealth() {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200 ? ProviderHealth.ok()
                    : ProviderHealth.error("upstream answered " + response.statusCode());
        } catch (IOException e) {
            return ProviderHealth.error(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ProviderHealth.error("interrupted");
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public JsonNode describeConfig() {
        return config;
    }

    @Override
    public void load(Model model) {
        throw new UnsupportedOperationException("test::upstream serves no models");
    }

    @Override
    public Completion generate(GenerationRequest request, TokenSink sink) {
        throw new UnsupportedOperationException("test::upstream serves no models");
    }

    @Override
    public Embeddings embed(EmbeddingRequest request) {
        throw new UnsupportedOperationException("test::upstream serves no models");
    }

    @Override
    public void close() {
        http.close();
    }
}
