package dev.stackwatch.provider.http;

import dev.stackwatch.config.ConfigNode;
import dev.stackwatch.config.ProviderConfig;
import dev.stackwatch.inference.Model;
import dev.stackwatch.inference.ProviderHealth;
import dev.stackwatch.wire.Json;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What every remote provider is made of, read once from its run.yaml entry: the HTTP client to the upstream, the guard
 * applying its resilience settings, and its discovery settings; plus the behaviour they share (waiting for a model,
 * health, discovery).
 */
public record RemoteUpstream(String providerId, HttpUpstream http, UpstreamGuard guard, Discovery discovery)
        implements AutoCloseable {

    /**
     * {@code ownKeys}: the provider's keys besides the shared ones (unknown keys are warned about);
     * {@code settings}: how it reads its URL and token (the keys differ by provider type);
     * {@code upstreams}: the event loop and read timer shared by every remote provider.
     */
    public static RemoteUpstream read(ProviderConfig config, Set<String> ownKeys,
                                      Function<ConfigNode, UpstreamSettings> settings, UpstreamTransport upstreams) {
        ConfigNode node = config.config();
        node.warnUnknownKeys(RemoteConfigKeys.with(ownKeys));
        return new RemoteUpstream(config.providerId(),
                new HttpUpstream(settings.apply(node), Json.newMapper(), upstreams),
                new UpstreamGuard(config.providerId(), ResilienceSettings.read(node)), Discovery.read(node));
    }

    /** Waits (up to load_timeout_ms) until the upstream answers and lists the model, so readiness means servable. */
    public void awaitModel(Model model, ModelLister lister) {
        new UpstreamModelCheck(providerId, http.settings().loadTimeout()).await(model, lister);
    }

    public ProviderHealth health(ModelLister lister) {
        return RemoteHealth.check(guard.breaker(), lister);
    }

    /** The upstream's models, by the ids {@code upstreamIds} lists, as catalog models of this provider. */
    public List<Model> discover(Supplier<List<String>> upstreamIds) {
        try {
            return upstreamIds.get().stream().map(id -> Discovery.model(providerId, id)).toList();
        } catch (UpstreamFailure f) {
            throw f.toProviderException(providerId);
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
