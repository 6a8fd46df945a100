package dev.stackwatch.lifecycle;

/** A request still running when the drain deadline passed; the API answers it with a {@code server_draining} error. */
public final class DrainDeadlineException extends RuntimeException {
    DrainDeadlineException(Throwable cause) {
        super("the server is shutting down and this request did not finish within the drain timeout", cause);
    }
}
