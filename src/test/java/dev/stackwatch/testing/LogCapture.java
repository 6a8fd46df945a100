package dev.stackwatch.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;

/**
 * Log events captured while servers log from their own threads. Logback's {@code ListAppender} hands its plain list to
 * the test, which the server's appends change while the test reads it (a ConcurrentModificationException in CI); this
 * hands out copies taken under the appender's lock, which every append holds ({@code AppenderBase.doAppend} is
 * synchronized on the appender).
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> {
    private final List<ILoggingEvent> events = new ArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
        // Read later on the test's thread: the MDC and the message are taken now, on the thread that logged.
        event.prepareForDeferredProcessing();
        events.add(event);
    }

    /** The events so far, in order. */
    public synchronized List<ILoggingEvent> snapshot() {
        return List.copyOf(events);
    }

    /** How many events so far: a mark for {@link #since}. */
    public synchronized int size() {
        return events.size();
    }

    /** The events after the first {@code mark}. */
    public synchronized List<ILoggingEvent> since(int mark) {
        return List.copyOf(events.subList(mark, events.size()));
    }

    public synchronized void clear() {
        events.clear();
    }
}
