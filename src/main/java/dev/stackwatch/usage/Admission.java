package dev.stackwatch.usage;

import dev.stackwatch.config.usage.Quota;
import java.util.Map;
import java.util.Optional;

/**
 * The quota check's answer for one request: the {@code x-ratelimit-*} headers to send either way, and for a refusal
 * the quota that was full and when to retry.
 */
public record Admission(Verdict verdict, Map<String, String> headers, Optional<Reservation> reservation,
                        Quota refusedBy, long retryAfterSeconds) {
    public enum Verdict {
        /** Within every quota (or the key has none). */
        ADMITTED,
        /** A quota is full. */
        REFUSED,
        /** The store did not answer and the mode is fail_open: admitted without a check. */
        UNCHECKED,
        /** The store did not answer and the mode is fail_closed. */
        UNAVAILABLE
    }

    static final Admission UNLIMITED = new Admission(Verdict.ADMITTED, Map.of(), Optional.empty(), null, 0);
    static final Admission UNCHECKED = new Admission(Verdict.UNCHECKED, Map.of(), Optional.empty(), null, 0);
    static final Admission UNAVAILABLE = new Admission(Verdict.UNAVAILABLE, Map.of(), Optional.empty(), null, 1);
}
