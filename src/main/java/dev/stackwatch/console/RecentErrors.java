package dev.stackwatch.console;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The last few errors, newest first, for the console. Bounded so a failure storm costs a fixed amount of memory.
 * Entries never hold request content: a route template or model id, a status or error code, and a message written by
 * Stackwatch itself.
 */
public final class RecentErrors {
    /** {@code time} in epoch milliseconds. */
    public record Entry(long time, String source, String subject, String code, int status, String message) {}

    private final int capacity;
    private final Deque<Entry> entries = new ArrayDeque<>();

    public RecentErrors(int capacity) {
        this.capacity = capacity;
    }

    public synchronized void add(Entry entry) {
        entries.addFirst(entry);
        if (entries.size() > capacity) {
            entries.removeLast();
        }
    }

    public synchronized List<Entry> newestFirst() {
        return new ArrayList<>(entries);
    }
}
