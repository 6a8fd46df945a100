package dev.stackwatch.api;

/** The request body did not arrive within {@code read_timeout_ms}; the read was cut off and the socket closed. */
public final class BodyTimeoutException extends RuntimeException {
    public BodyTimeoutException(Throwable cause) {
        super("request body not received within the read timeout", cause);
    }
}
