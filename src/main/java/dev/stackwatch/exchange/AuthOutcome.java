package dev.stackwatch.exchange;

/**
 * What the auth filter decided, reported to the request's {@link Exchange} so the metrics filter can count refusals by
 * reason without knowing how auth works. Absent when auth is off.
 */
public enum AuthOutcome {
    /** A route that stays open with auth on (health, readiness, metrics with its own token). */
    OPEN_ROUTE,
    ACCEPTED,
    /** No {@code Authorization: Bearer} header. */
    MISSING,
    /** A bearer token that matches no key. */
    REJECTED
}
