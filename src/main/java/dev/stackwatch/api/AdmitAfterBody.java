package dev.stackwatch.api;

/**
 * A step that must run once the request body has been read and parsed, before the work it asks for starts: the
 * inference concurrency cap takes its slot here, so a client that sends headers and then stalls holds no slot.
 * Put in the request context by a filter; {@link JsonBodyReader} runs it. It may throw an {@link ApiException}.
 */
public record AdmitAfterBody(Runnable admit) {
}
