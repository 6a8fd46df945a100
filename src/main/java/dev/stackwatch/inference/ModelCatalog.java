package dev.stackwatch.inference;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes model ids to providers and tracks whether each model is serviceable. */
public final class ModelCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(ModelCatalog.class);

    private record Entry(RoutedModel routed, AtomicReference<ModelState> state) {}

    private final Map<String, InferenceProvider> providers;
    /**
     * Copy-on-write: discovery adds models rarely while every request reads, so readers get an immutable snapshot
     * (in registration order) without locking.
     */
    private volatile Map<String, Entry> models;

    public ModelCatalog(List<InferenceProvider> providers, List<Model> models) {
        Map<String, InferenceProvider> byId = new LinkedHashMap<>();
        providers.forEach(p -> byId.put(p.id(), p));
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Model m : models) {
            InferenceProvider provider = byId.get(m.providerId());
            if (provider == null) {
                throw new IllegalArgumentException("model " + m.id() + " names unknown provider " + m.providerId());
            }
            entries.put(m.id(), new Entry(new RoutedModel(m, provider), new AtomicReference<>(new ModelState.Loading())));
        }
        // Config order, which /v1/providers and the readiness checks list providers in.
        this.providers = Collections.unmodifiableMap(byId);
        this.models = Collections.unmodifiableMap(entries);
    }

    /**
     * Adds a model found at run time (provider discovery) and loads it in the background. Returns false, changing
     * nothing, when the id is taken or the provider already serves that upstream model under another id.
     */
    public synchronized boolean register(Model model) {
        InferenceProvider provider = providers.get(model.providerId());
        if (provider == null) {
            throw new IllegalArgumentException("model " + model.id() + " names unknown provider " + model.providerId());
        }
        boolean known = models.containsKey(model.id()) || models.values().stream().map(e -> e.routed().model())
                .anyMatch(m -> m.providerId().equals(model.providerId())
                        && m.providerModelId().equals(model.providerModelId()));
        if (known) {
            return false;
        }
        Map<String, Entry> copy = new LinkedHashMap<>(models);
        Entry entry = new Entry(new RoutedModel(model, provider), new AtomicReference<>(new ModelState.Loading()));
        copy.put(model.id(), entry);
        models = Collections.unmodifiableMap(copy);
        loadInBackground(entry);
        return true;
    }

    public List<Model> models() {
        return models.values().stream().map(e -> e.routed().model()).toList();
    }

    public Collection<InferenceProvider> providers() {
        return providers.values();
    }

    public Optional<InferenceProvider> provider(String id) {
        return Optional.ofNullable(providers.get(id));
    }

    public Optional<Model> model(String id) {
        return Optional.ofNullable(models.get(id)).map(e -> e.routed().model());
    }

    public ModelState state(String modelId) {
        Entry e = models.get(modelId);
        if (e == null) {
            throw new ModelNotFoundException(modelId);
        }
        return e.state().get();
    }

    /** The provider for a model that can serve now; throws when it is unknown, loading or failed. */
    public RoutedModel route(String modelId) {
        Entry e = models.get(modelId);
        if (e == null) {
            throw new ModelNotFoundException(modelId);
        }
        ModelState state = e.state().get();
        if (!(state instanceof ModelState.Ready)) {
            throw new ModelNotReadyException(modelId, state);
        }
        return e.routed();
    }

    public boolean anyReady() {
        return models.values().stream().anyMatch(e -> e.state().get() instanceof ModelState.Ready);
    }

    /** Loads every model on its own virtual thread; returns at once. */
    public void loadAllInBackground() {
        models.values().forEach(this::loadInBackground);
    }

    private void loadInBackground(Entry e) {
        Thread.ofVirtual().name("model-load-" + e.routed().model().id()).start(() -> load(e));
    }

    private void load(Entry e) {
        Model model = e.routed().model();
        long start = System.nanoTime();
        try {
            e.routed().provider().load(model);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            e.state().set(new ModelState.Ready(took));
            LOG.info("model {} ready on provider {} after {} ms", model.id(), model.providerId(), took.toMillis());
        } catch (RuntimeException ex) {
            e.state().set(new ModelState.Failed(ex.getMessage()));
            LOG.error("model {} failed to load on provider {}: {}", model.id(), model.providerId(), ex.getMessage());
        }
    }
}
