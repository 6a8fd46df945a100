package dev.stackwatch.inference;

/** The client went away while a response was being streamed to it. */
public final class ClientDisconnectedException extends RuntimeException {
    public ClientDisconnectedException(Throwable cause) {
        super("client disconnected", cause);
    }
}
