package dev.stackwatch.usage;

import dev.stackwatch.config.usage.Quota;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What an admitted request holds until it ends: the tokens it reserved in each token quota's window, and the spend
 * quotas' windows its cost will be added to. Settled exactly once, by the inference's end or, when the request never
 * reached a provider, by the quota filter giving the reservation back.
 */
public final class Reservation {
    private final String key;
    private final List<Quota> quotas;
    private final List<Slot> slots;
    private final long tokens;
    private final AtomicBoolean settled = new AtomicBoolean();

    Reservation(String key, List<Quota> quotas, List<Slot> slots, long tokens) {
        this.key = key;
        this.quotas = List.copyOf(quotas);
        this.slots = List.copyOf(slots);
        this.tokens = tokens;
    }

    public String key() {
        return key;
    }

    List<Quota> quotas() {
        return quotas;
    }

    List<Slot> slots() {
        return slots;
    }

    long tokens() {
        return tokens;
    }

    /** True for the one caller that gets to settle. */
    boolean claim() {
        return settled.compareAndSet(false, true);
    }
}
