package dev.stackwatch.config.usage;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code server.usage.store}: where quota counters live. {@code memory} counts in this process only; {@code redis}
 * shares one count per key between every replica. {@code timeout} bounds one Redis call from start to end, so a slow
 * or lost Redis costs a request at most that long; then {@code failOpen} decides whether it is admitted unchecked.
 */
public record StoreConfig(Type type, Optional<URI> url, Optional<String> password, Duration timeout,
                          boolean failOpen) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(200);
    public static final StoreConfig MEMORY = new StoreConfig(Type.MEMORY, Optional.empty(), Optional.empty(),
            DEFAULT_TIMEOUT, true);

    public enum Type { MEMORY, REDIS }

    /** Never the password: a record's default text would print it wherever the config is logged. */
    @Override
    public String toString() {
        return "StoreConfig[type=" + type + ", url=" + url.map(URI::toString).orElse("-") + ", password="
                + (password.isPresent() ? "***" : "-") + ", timeout=" + timeout + ", failOpen=" + failOpen + "]";
    }

    /** {@code rediss://} asks for TLS. */
    public boolean tls() {
        return url.map(u -> "rediss".equals(u.getScheme())).orElse(false);
    }
}
