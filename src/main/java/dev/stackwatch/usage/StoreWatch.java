package dev.stackwatch.usage;

import dev.stackwatch.config.usage.StoreConfig;
import dev.stackwatch.health.Check;
import dev.stackwatch.telemetry.metrics.Metrics;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the quota store's calls: counts failures, logs once when the store is lost and once when it is back, and
 * while it is lost lets one call through per {@link #RETRY} so an unreachable Redis costs other requests nothing (a
 * blackholed address would otherwise cost every request the full timeout). Its state shows in {@code /ready}.
 */
public final class StoreWatch {
    private static final Logger LOG = LoggerFactory.getLogger(StoreWatch.class);
    /** How often a lost store is tried again; enforcement resumes within this after it is back. */
    static final Duration RETRY = Duration.ofSeconds(1);

    private final StoreConfig config;
    private final Metrics metrics;
    private final LongSupplier nanoClock;
    private final AtomicBoolean up = new AtomicBoolean(true);
    private final AtomicLong lastTry = new AtomicLong();
    private volatile String lastProblem = "";

    StoreWatch(StoreConfig config, Metrics metrics, LongSupplier nanoClock) {
        this.config = config;
        this.metrics = metrics;
        this.nanoClock = nanoClock;
        metrics.quotaStoreUp(true);
    }

    <T> T call(String operation, Supplier<T> call) {
        if (!up.get()) {
            long last = lastTry.get();
            long now = nanoClock.getAsLong();
            if (now - last < RETRY.toNanos() || !lastTry.compareAndSet(last, now)) {
                metrics.quotaStoreFailed(operation);
                throw new QuotaStoreException("quota store unreachable (" + lastProblem + "); next try within "
                        + RETRY.toMillis() + " ms", null);
            }
        }
        try {
            T result = call.get();
            if (up.compareAndSet(false, true)) {
                metrics.quotaStoreUp(true);
                LOG.info("quota store reachable again; quotas are enforced");
            }
            return result;
        } catch (QuotaStoreException e) {
            metrics.quotaStoreFailed(operation);
            lastProblem = e.getMessage();
            lastTry.set(nanoClock.getAsLong());
            if (up.compareAndSet(true, false)) {
                metrics.quotaStoreUp(false);
                LOG.warn("quota store unreachable ({}); requests are {} until it is back", e.getMessage(),
                        config.failOpen() ? "admitted unchecked (fail_open)" : "refused with 503 (fail_closed)");
            }
            throw e;
        }
    }

    public boolean isUp() {
        return up.get();
    }

    /** For {@code /ready}: a lost store fails readiness only in fail_closed, where this replica cannot serve. */
    public Check check() {
        if (up.get()) {
            return Check.pass("quota_store");
        }
        String reason = "unreachable: " + lastProblem;
        return config.failOpen() ? Check.warn("quota_store", reason + "; admitting requests unchecked (fail_open)")
                : Check.fail("quota_store", reason + "; refusing requests (fail_closed)");
    }
}
