package dev.stackwatch.config.security;

/** One API key: the name that shows in logs and traces, and the hashed token that proves it. */
public record ApiKey(String name, HashedToken token) {}
