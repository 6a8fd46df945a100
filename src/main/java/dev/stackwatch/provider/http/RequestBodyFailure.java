package dev.stackwatch.provider.http;

/**
 * The body a relayed request was streaming to the upstream could not be read, or ended before its declared length:
 * the client that sends it failed or stopped, and the upstream is not at fault. The cause is what the read threw.
 */
public final class RequestBodyFailure extends RuntimeException {
    RequestBodyFailure(Throwable cause) {
        super("reading the request body failed: " + cause.getMessage(), cause);
    }
}
