package dev.stackwatch.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;

/** Reading captured log events. */
public final class LogEvents {
    private LogEvents() {
    }

    /** The event's value for {@code key} among its key-value pairs, or "?" when it has none. */
    public static String keyValue(ILoggingEvent event, String key) {
        return event.getKeyValuePairs() == null ? "?" : event.getKeyValuePairs().stream()
                .filter(p -> p.key.equals(key)).map(p -> String.valueOf(p.value)).findFirst().orElse("?");
    }
}
