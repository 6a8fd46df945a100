package dev.stackwatch.usage;

import dev.stackwatch.config.usage.KeyQuota;
import dev.stackwatch.config.usage.Quota;
import dev.stackwatch.config.usage.StoreConfig;
import dev.stackwatch.config.usage.UsageConfig;
import dev.stackwatch.telemetry.metrics.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies each key's quotas: admits a request (one store call: count it, reserve tokens, check every limit) and
 * settles it at the end with the tokens and cost the provider reported. A store that fails is the
 * {@link StoreWatch}'s business; here it only decides the request's fate by the configured mode.
 */
public final class QuotaKeeper implements AutoCloseable {
    private final UsageConfig config;
    private final QuotaStore store;
    private final StoreWatch watch;
    private final Clock clock;
    private final Metrics metrics;

    QuotaKeeper(UsageConfig config, QuotaStore store, StoreWatch watch, Clock clock, Metrics metrics) {
        this.config = config;
        this.store = store;
        this.watch = watch;
        this.clock = clock;
        this.metrics = metrics;
        config.quotas().forEach((key, quota) -> quota.limits()
                .forEach((q, limit) -> metrics.quotaConfigured(key, q.label(), inUnits(q, limit))));
    }

    /** The store {@code config} names, watched, on the system clock. */
    public static QuotaKeeper create(UsageConfig config, Metrics metrics) {
        QuotaStore store = config.store().type() == StoreConfig.Type.REDIS ? new RedisQuotaStore(config.store())
                : new MemoryQuotaStore();
        return new QuotaKeeper(config, store, new StoreWatch(config.store(), metrics, System::nanoTime),
                Clock.systemUTC(), metrics);
    }

    public UsageConfig config() {
        return config;
    }

    public StoreWatch watch() {
        return watch;
    }

    public Admission admit(String key) {
        KeyQuota quota = config.quotas().get(key);
        if (quota == null || quota.isEmpty()) {
            return Admission.UNLIMITED;
        }
        Instant now = clock.instant();
        Quota[] quotas = quota.quotas();
        List<Slot> slots = new ArrayList<>(quotas.length);
        for (Quota q : quotas) {
            long increment = switch (q.measure()) {
                case REQUESTS -> 1;
                case TOKENS -> config.reserveTokens();
                case SPEND -> 0;
            };
            slots.add(slot(key, q, now, quota.limits().get(q), increment));
        }
        QuotaStore.Result result;
        try {
            result = watch.call("admit", () -> store.acquire(slots));
        } catch (QuotaStoreException e) {
            if (config.store().failOpen()) {
                return Admission.UNCHECKED;
            }
            metrics.quotaRefused(key, "store_unavailable");
            return Admission.UNAVAILABLE;
        }
        long[] limits = new long[quotas.length];
        long[] remaining = new long[quotas.length];
        Duration[] resets = new Duration[quotas.length];
        for (int i = 0; i < quotas.length; i++) {
            limits[i] = slots.get(i).limit();
            remaining[i] = Math.max(0, limits[i] - result.values()[i]);
            resets[i] = quotas[i].window().untilReset(now);
            metrics.quotaRemaining(key, quotas[i].label(), inUnits(quotas[i], remaining[i]));
        }
        Map<String, String> headers = RateLimitHeaders.of(quotas, limits, remaining, resets);
        if (!result.admitted()) {
            Quota full = quotas[result.refused()];
            metrics.quotaRefused(key, full.label());
            return new Admission(Admission.Verdict.REFUSED, headers, Optional.empty(), full,
                    RateLimitHeaders.seconds(resets[result.refused()]));
        }
        return new Admission(Admission.Verdict.ADMITTED, headers,
                Optional.of(reservation(key, quotas, slots)), null, 0);
    }

    /**
     * Replaces the reservation with what the request really used: tokens in the token quotas, cost in the spend
     * quotas. {@code tokens} 0 and {@code cost} 0 give the reservation back (the request never reached a model).
     */
    public void settle(Reservation reservation, long tokens, double cost) {
        if (!reservation.claim() || reservation.slots().isEmpty()) {
            return;
        }
        long[] deltas = new long[reservation.slots().size()];
        boolean any = false;
        for (int i = 0; i < deltas.length; i++) {
            deltas[i] = reservation.quotas().get(i).measure() == Quota.Measure.SPEND
                    ? Math.round(cost * Quota.MICROS) : tokens - reservation.tokens();
            any |= deltas[i] != 0;
        }
        if (!any) {
            return;
        }
        try {
            watch.call("settle", () -> {
                store.add(reservation.slots(), deltas);
                return null;
            });
        } catch (QuotaStoreException lost) {
            // Counted and logged by the watch; the request is over, there is nobody left to refuse.
        }
    }

    /** Each of {@code key}'s quotas with its limit, what is used in the current window and when that ends. */
    public List<QuotaUse> use(String key) {
        KeyQuota quota = config.quotas().get(key);
        if (quota == null || quota.isEmpty()) {
            return List.of();
        }
        Instant now = clock.instant();
        Quota[] quotas = quota.quotas();
        List<Slot> slots = new ArrayList<>();
        for (Quota q : quotas) {
            slots.add(slot(key, q, now, quota.limits().get(q), 0));
        }
        long[] values = watch.call("read", () -> store.read(slots));
        List<QuotaUse> uses = new ArrayList<>();
        for (int i = 0; i < quotas.length; i++) {
            long limit = slots.get(i).limit();
            uses.add(new QuotaUse(quotas[i].label(), inUnits(quotas[i], limit), inUnits(quotas[i], values[i]),
                    inUnits(quotas[i], Math.max(0, limit - values[i])), quotas[i].window().untilReset(now).toSeconds()));
        }
        return uses;
    }

    public record QuotaUse(String quota, double limit, double used, double remaining, long resetSeconds) {}

    /** Only token and spend quotas change at the end; a request counts as one whatever it did. */
    private Reservation reservation(String key, Quota[] quotas, List<Slot> slots) {
        List<Quota> kept = new ArrayList<>();
        List<Slot> keptSlots = new ArrayList<>();
        for (int i = 0; i < quotas.length; i++) {
            if (quotas[i].measure() != Quota.Measure.REQUESTS) {
                kept.add(quotas[i]);
                keptSlots.add(slots.get(i));
            }
        }
        return new Reservation(key, kept, keptSlots, config.reserveTokens());
    }

    private static Slot slot(String key, Quota q, Instant now, long limit, long increment) {
        return new Slot("{" + key + "}:" + q.label(), q.window().id(now), limit, increment,
                q.window().retention().toSeconds());
    }

    /** Spend quotas count micro-units; everything shown to people is in the currency. */
    private static double inUnits(Quota q, long value) {
        return q.measure() == Quota.Measure.SPEND ? value / Quota.MICROS : value;
    }

    @Override
    public void close() {
        store.close();
    }
}
