package dev.stackwatch.api;

import dev.stackwatch.inference.ClientDisconnectedException;
import dev.stackwatch.wire.ApiException;
import io.helidon.common.buffers.DataReader;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What a failed read of a client's request body means, wherever the body is read (parsed here, or relayed upstream
 * as it arrives): the client left, or its framing was bad. Either is the client's doing, never the upstream's.
 */
public final class ClientBodyFailure {
    private ClientBodyFailure() {
    }

    /**
     * A {@link ClientDisconnectedException} when the connection failed or ended before the body did (Helidon reports
     * an end it did not expect as {@link DataReader.InsufficientDataAvailableException}); anything else is bad
     * framing, answered 400.
     */
    public static RuntimeException of(Throwable failure) {
        if (failure instanceof IOException || failure instanceof UncheckedIOException
                || failure instanceof DataReader.InsufficientDataAvailableException) {
            return new ClientDisconnectedException(failure);
        }
        // Helidon's chunked decoder fails with a NumberFormatException or a RequestException quoting the bad line,
        // which is the client's own text: never echoed or logged.
        return ApiException.badRequest("invalid_request_framing",
                "the request body is not valid HTTP/1.1 framing (chunked encoding)");
    }
}
