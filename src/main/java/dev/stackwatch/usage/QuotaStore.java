package dev.stackwatch.usage;

import java.util.List;

/**
 * Counters for quotas. Each call is atomic over all the slots it is given: a check and the increments it allows
 * happen together, so concurrent requests (on any replica sharing the store) never both take the last unit.
 */
interface QuotaStore extends AutoCloseable {

    /**
     * Adds every slot's increment if none of them is full. {@code values} holds each counter after the call: with
     * the increments when admitted, as found when refused ({@code refused} is then the index of the first full slot).
     */
    Result acquire(List<Slot> slots);

    /** Adds {@code deltas[i]} (negative to give back) to slot i's counter in its window; limits are not checked. */
    void add(List<Slot> slots, long[] deltas);

    /** The counters' current values, 0 for a window not counted yet. */
    long[] read(List<Slot> slots);

    @Override
    void close();

    record Result(int refused, long[] values) {
        static final int ADMITTED = -1;

        boolean admitted() {
            return refused == ADMITTED;
        }
    }
}
