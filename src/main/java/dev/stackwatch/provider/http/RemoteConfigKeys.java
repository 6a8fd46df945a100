package dev.stackwatch.provider.http;

import java.util.HashSet;
import java.util.Set;

/** The config keys every remote provider understands, so unknown-key warnings stay accurate per provider type. */
public final class RemoteConfigKeys {
    private static final Set<String> SHARED = Set.of("tls_verify", "connect_timeout_ms", "first_byte_timeout_ms",
            "idle_timeout_ms", "load_timeout_ms", "max_retries", "retry_backoff_ms", "retry_budget_ratio",
            "circuit_failure_threshold", "circuit_open_ms", "max_concurrency", "max_queue", "queue_timeout_ms",
            "discover_models", "discover_interval_ms", "headers");

    private RemoteConfigKeys() {
    }

    public static Set<String> with(Set<String> own) {
        Set<String> all = new HashSet<>(SHARED);
        all.addAll(own);
        return all;
    }
}
