package dev.stackwatch.inference;

/**
 * Where a provider's circuit breaker stands. An inference type, not the breaker's own, so that telemetry and health can
 * report it without depending on the HTTP upstream code that keeps it.
 */
public enum CircuitState { CLOSED, OPEN, HALF_OPEN }
