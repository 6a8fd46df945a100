package dev.stackwatch.security;

/**
 * The name of the API key a request authenticated with, in the request context for access logs, traces and per-key
 * rate limits. It is the configured name, never the token.
 */
public record ApiKeyName(String name) {}
