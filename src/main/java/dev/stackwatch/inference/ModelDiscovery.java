package dev.stackwatch.inference;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks each discovering provider for its models at start-up and then every interval, registering new ones in the
 * catalog (which loads them). Models that disappear upstream stay registered: requests for them get the upstream's
 * own 404, which says more than a model silently vanishing from /v1/models.
 */
public final class ModelDiscovery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelDiscovery.class);

    private final List<Thread> pollers = new ArrayList<>();

    /** Starts one virtual thread per provider that has a {@link ModelSource} with discovery on. */
    public ModelDiscovery(ModelCatalog catalog, List<InferenceProvider> providers) {
        for (InferenceProvider p : providers) {
            Optional<ModelSource> source = p.modelSource();
            Optional<Duration> interval = source.flatMap(ModelSource::discoveryInterval);
            if (interval.isPresent()) {
                pollers.add(Thread.ofVirtual().name("model-discovery-" + p.id())
                        .start(() -> poll(catalog, p.id(), source.get(), interval.get())));
            }
        }
    }

    private static void poll(ModelCatalog catalog, String providerId, ModelSource source, Duration interval) {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                for (Model m : source.discoverModels()) {
                    if (catalog.register(m)) {
                        LOG.info("discovered model {} ({}) on provider {}", m.id(), m.type().wire(), providerId);
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("model discovery on provider {} failed: {}", providerId, e.getMessage());
            }
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        pollers.forEach(Thread::interrupt);
    }
}
