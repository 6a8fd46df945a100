package dev.stackwatch.health;

import dev.stackwatch.config.HealthCheckConfig;
import dev.stackwatch.inference.InferenceProvider;
import dev.stackwatch.inference.ProviderHealth;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every provider's {@link InferenceProvider#checkHealth()} in the background on an interval, each bounded by a
 * timeout, and keeps the last verdict. Probes and {@code /v1/providers} read that verdict, so they answer in
 * microseconds even while a provider hangs. A check that hangs past its timeout is not started again until it ends,
 * so a dead upstream never piles up threads. Changes of status are logged once, when they happen.
 */
public final class ProviderHealthChecks implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProviderHealthChecks.class);
    static final String NOT_CHECKED = "not checked yet";

    private final class Tracked {
        final InferenceProvider provider;
        final AtomicReference<ProviderHealth> last = new AtomicReference<>(ProviderHealth.error(NOT_CHECKED));
        final AtomicBoolean running = new AtomicBoolean();

        Tracked(InferenceProvider provider) {
            this.provider = provider;
        }
    }

    private final Map<String, Tracked> providers = new LinkedHashMap<>();
    private final HealthCheckConfig config;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("provider-health").daemon().factory());
    private final ExecutorService checks = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("provider-health-check-", 0).factory());

    public ProviderHealthChecks(Iterable<InferenceProvider> providers, HealthCheckConfig config) {
        providers.forEach(p -> this.providers.put(p.id(), new Tracked(p)));
        this.config = config;
    }

    /** Checks every provider now and then every interval; returns at once. */
    public void start() {
        scheduler.scheduleWithFixedDelay(this::checkAll, 0, config.interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The last verdict on a provider; "not checked yet" is an error until its first check ends. */
    public ProviderHealth health(String providerId) {
        Tracked t = providers.get(providerId);
        if (t == null) {
            throw new IllegalArgumentException("no provider '" + providerId + "'");
        }
        return t.last.get();
    }

    public Iterable<String> providerIds() {
        return providers.keySet();
    }

    private void checkAll() {
        for (Tracked t : providers.values()) {
            if (t.running.compareAndSet(false, true)) {
                checks.execute(() -> supervise(t));
            }
        }
    }

    private void supervise(Tracked t) {
        Future<ProviderHealth> check;
        try {
            check = checks.submit(() -> {
                try {
                    return t.provider.checkHealth();
                } finally {
                    t.running.set(false);
                }
            });
        } catch (RuntimeException rejected) {
            t.running.set(false);
            return;
        }
        ProviderHealth verdict;
        try {
            verdict = check.get(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            check.cancel(true);
            verdict = ProviderHealth.error("health check timed out after " + config.timeout().toMillis() + " ms");
        } catch (ExecutionException e) {
            verdict = ProviderHealth.error(describe(e.getCause()));
        } catch (InterruptedException e) {
            // closing: no verdict to record
            Thread.currentThread().interrupt();
            return;
        }
        record(t, verdict);
    }

    private static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private void record(Tracked t, ProviderHealth verdict) {
        ProviderHealth previous = t.last.getAndSet(verdict);
        if (previous.status() == verdict.status() && !NOT_CHECKED.equals(previous.message())) {
            return;
        }
        if (verdict.isOk()) {
            LOG.info("provider {} is healthy", t.provider.id());
        } else {
            LOG.warn("provider {} is unhealthy: {}", t.provider.id(), verdict.message());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        checks.shutdownNow();
    }
}
