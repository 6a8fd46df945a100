package dev.stackwatch.provider.http;

import dev.stackwatch.config.ProviderConfig;
import dev.stackwatch.inference.Model;
import dev.stackwatch.inference.ModelSource;
import dev.stackwatch.inference.ProviderHealth;
import dev.stackwatch.inference.UpstreamEndpoint;
import dev.stackwatch.inference.UpstreamStatus;
import dev.stackwatch.provider.ConfiguredProvider;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A provider backed by a remote upstream, with what every such provider does the same way whatever its wire format:
 * a model is loaded once the upstream lists it, health asks the upstream for its models, discovery lists them on an
 * interval, and the guard's live state and the upstream's address are offered to metrics, readiness and spans.
 */
public abstract class RemoteProvider extends ConfiguredProvider implements ModelLister, ModelSource {
    protected final RemoteUpstream remote;

    protected RemoteProvider(String type, ProviderConfig config, RemoteUpstream remote) {
        super(type, config);
        this.remote = remote;
    }

    /** Waits (up to load_timeout_ms) until the upstream answers and lists the model, so readiness means servable. */
    @Override
    public void load(Model model) {
        remote.awaitModel(model, this);
    }

    @Override
    public ProviderHealth checkHealth() {
        return remote.health(this);
    }

    @Override
    public Optional<Duration> discoveryInterval() {
        return remote.discovery().interval();
    }

    /** The models {@link #listModels} names; a provider whose upstream names them otherwise overrides this. */
    @Override
    public List<Model> discoverModels() {
        return remote.discover(this::listModels);
    }

    @Override
    public Optional<ModelSource> modelSource() {
        return Optional.of(this);
    }

    @Override
    public Optional<UpstreamStatus> upstreamStatus() {
        return Optional.of(remote.guard());
    }

    @Override
    public Optional<UpstreamEndpoint> endpoint() {
        return Optional.of(remote.http().settings().endpoint());
    }

    @Override
    public void close() {
        remote.close();
    }
}
