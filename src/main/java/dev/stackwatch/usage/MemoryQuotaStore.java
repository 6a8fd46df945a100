package dev.stackwatch.usage;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Quota counters in this process. One counter per key and quota, holding only its latest window: a newer window
 * starts it again from zero, so the map never grows past the configured keys times quotas. One lock for all: a check
 * is a few map reads, far shorter than any request; a lock, not {@code synchronized}, so virtual threads never pin.
 */
final class MemoryQuotaStore implements QuotaStore {
    private final Map<String, long[]> counters = new HashMap<>();
    private final ReentrantLock lock = new ReentrantLock();

    @Override
    public Result acquire(List<Slot> slots) {
        lock.lock();
        try {
            long[] values = new long[slots.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = current(slots.get(i));
            }
            for (int i = 0; i < values.length; i++) {
                if (slots.get(i).full(values[i])) {
                    return new Result(i, values);
                }
            }
            for (int i = 0; i < values.length; i++) {
                values[i] = put(slots.get(i), values[i] + slots.get(i).increment());
            }
            return new Result(Result.ADMITTED, values);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void add(List<Slot> slots, long[] deltas) {
        lock.lock();
        try {
            for (int i = 0; i < deltas.length; i++) {
                Slot slot = slots.get(i);
                long[] counter = counters.get(slot.name());
                // A settlement for a window already replaced by a newer one has nothing left to correct.
                if (counter == null || counter[0] <= slot.window()) {
                    put(slot, Math.max(0, current(slot) + deltas[i]));
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long[] read(List<Slot> slots) {
        lock.lock();
        try {
            long[] values = new long[slots.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = current(slots.get(i));
            }
            return values;
        } finally {
            lock.unlock();
        }
    }

    private long current(Slot slot) {
        long[] counter = counters.get(slot.name());
        return counter != null && counter[0] == slot.window() ? counter[1] : 0;
    }

    private long put(Slot slot, long value) {
        counters.put(slot.name(), new long[] {slot.window(), value});
        return value;
    }

    @Override
    public void close() {
    }
}
