package dev.stackwatch.health;

import dev.stackwatch.inference.Model;
import dev.stackwatch.inference.ModelCatalog;
import dev.stackwatch.inference.ModelState;
import dev.stackwatch.inference.ProviderHealth;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the probes answer, and what the metrics layer reads ({@link #isReady()}, {@link #providerHealth(String)}).
 * Liveness never looks at providers; readiness reads only state kept up to date in the background (model states,
 * the last provider health checks, draining), so both answer at once whatever the providers do.
 * Configuration needs no check of its own: the server, and so these probes, only start once it loaded and validated.
 */
public final class HealthMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

    private final ModelCatalog catalog;
    private final ProviderHealthChecks providers;
    private final Set<String> requiredProviders;
    private final BooleanSupplier draining;
    private final Watchdog watchdog;
    private final List<Supplier<Check>> extraChecks;
    /** The last readiness seen, so a change is logged once rather than on every probe. */
    private final AtomicReference<Boolean> lastReady = new AtomicReference<>();

    /**
     * @param requiredProviders the providers whose failure makes the instance unready; every replica shares the same
     *                          upstreams, so an optional one failing would take the whole fleet out of service
     * @param extraChecks       join readiness; each must answer from state it already has, never by calling out
     */
    public HealthMonitor(ModelCatalog catalog, ProviderHealthChecks providers, Set<String> requiredProviders,
                         BooleanSupplier draining, Watchdog watchdog, List<Supplier<Check>> extraChecks) {
        this.extraChecks = List.copyOf(extraChecks);
        this.catalog = catalog;
        this.providers = providers;
        this.requiredProviders = Set.copyOf(requiredProviders);
        this.draining = draining;
        this.watchdog = watchdog;
    }

    public void start() {
        providers.start();
    }

    /** 200 while the process can serve: new work still runs. Never depends on providers. */
    public HealthReport liveness() {
        return HealthReport.of(List.of(watchdog.check()));
    }

    /**
     * 200 only when not draining, at least one model can serve and every required provider passed its last health
     * check; an optional provider's failure is reported as a {@code warn} check and leaves the answer 200.
     */
    public HealthReport readiness() {
        List<Check> checks = new ArrayList<>();
        checks.add(draining.getAsBoolean() ? Check.fail("lifecycle", "draining: the server is shutting down")
                : Check.pass("lifecycle"));
        checks.add(models());
        for (String id : providers.providerIds()) {
            ProviderHealth h = providers.health(id);
            // NOT_IMPLEMENTED means the provider cannot tell; only a reported error counts against it.
            String name = "provider:" + id;
            if (h.status() != ProviderHealth.Status.ERROR) {
                checks.add(Check.pass(name));
            } else {
                checks.add(requiredProviders.contains(id) ? Check.fail(name, h.message()) : Check.warn(name, h.message()));
            }
        }
        extraChecks.forEach(c -> checks.add(c.get()));
        HealthReport report = HealthReport.of(checks);
        logChange(report);
        return report;
    }

    public boolean isReady() {
        return readiness().passed();
    }

    /** The last background verdict on a provider; never calls the provider. */
    public ProviderHealth providerHealth(String providerId) {
        return providers.health(providerId);
    }

    private Check models() {
        if (catalog.anyReady()) {
            return Check.pass("models");
        }
        List<Model> models = catalog.models();
        if (models.isEmpty()) {
            return Check.fail("models", "no models are registered");
        }
        return Check.fail("models", "no model is ready (" + models.stream()
                .map(m -> m.id() + ": " + describe(catalog.state(m.id())))
                .collect(Collectors.joining(", ")) + ")");
    }

    private static String describe(ModelState state) {
        return state instanceof ModelState.Failed f ? "failed: " + f.reason() : state.label();
    }

    private void logChange(HealthReport report) {
        Boolean previous = lastReady.getAndSet(report.passed());
        if (previous != null && previous == report.passed()) {
            return;
        }
        if (report.passed()) {
            LOG.info("ready");
        } else {
            LOG.warn("not ready: {}", report.checks().stream().filter(c -> !c.passed())
                    .map(c -> c.name() + " (" + c.reason() + ")").collect(Collectors.joining(", ")));
        }
    }

    @Override
    public void close() {
        providers.close();
    }
}
