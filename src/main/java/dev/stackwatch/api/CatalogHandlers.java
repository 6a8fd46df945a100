package dev.stackwatch.api;

import dev.stackwatch.api.Payloads.DataList;
import dev.stackwatch.api.Payloads.Health;
import dev.stackwatch.api.Payloads.ModelBody;
import dev.stackwatch.api.Payloads.ProviderBody;
import dev.stackwatch.api.Payloads.Version;
import dev.stackwatch.inference.InferenceProvider;
import dev.stackwatch.inference.Model;
import dev.stackwatch.inference.ModelCatalog;
import dev.stackwatch.inference.ModelNotFoundException;
import dev.stackwatch.inference.ProviderHealth;
import dev.stackwatch.wire.ApiException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.function.Function;

/** Health, version, providers and models: what LlamaStack clients and the Kubernetes operator read. */
public final class CatalogHandlers {
    private final ModelCatalog catalog;
    private final String version;
    private final Function<InferenceProvider, ProviderHealth> providerHealth;
    private final JsonResponses responses;
    private final long startedSeconds = System.currentTimeMillis() / 1000;

    /** {@code providerHealth} answers from what background checks last saw; it must not call providers itself. */
    public CatalogHandlers(ModelCatalog catalog, String version, Function<InferenceProvider, ProviderHealth> providerHealth,
                           JsonResponses responses) {
        this.catalog = catalog;
        this.version = version;
        this.providerHealth = providerHealth;
        this.responses = responses;
    }

    void health(ServerRequest req, ServerResponse res) {
        responses.send(res, new Health("OK", null));
    }

    void version(ServerRequest req, ServerResponse res) {
        responses.send(res, new Version(version));
    }

    void providers(ServerRequest req, ServerResponse res) {
        responses.send(res, new DataList<>(null, catalog.providers().stream().map(this::provider).toList()));
    }

    void provider(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("provider_id");
        InferenceProvider p = catalog.provider(id).orElseThrow(
                () -> ApiException.notFound("provider_not_found", "provider '" + id + "' not found"));
        responses.send(res, provider(p));
    }

    void models(ServerRequest req, ServerResponse res) {
        responses.send(res, new DataList<>("list", catalog.models().stream().map(this::model).toList()));
    }

    void model(ServerRequest req, ServerResponse res) {
        String id = req.path().pathParameters().get("model_id");
        Model m = catalog.model(id).orElseThrow(() -> new ModelNotFoundException(id));
        responses.send(res, model(m));
    }

    private ProviderBody provider(InferenceProvider p) {
        ProviderHealth h = providerHealth.apply(p);
        return new ProviderBody("inference", p.id(), p.type(), p.describeConfig(), new Health(h.status().wire(), h.message()));
    }

    private ModelBody model(Model m) {
        return new ModelBody(m.id(), "model", startedSeconds, m.providerId(), m.id(), m.providerModelId(),
                m.providerId(), "model", m.type().wire(), m.metadata(), catalog.state(m.id()).label());
    }
}
