package dev.stackwatch.api;

/**
 * The route template a request matched ({@code /v1/models/{model_id}}), put in the request context before the handler
 * runs so that cross-cutting filters can label by template, never by raw path.
 */
public record MatchedRoute(String template) {}
