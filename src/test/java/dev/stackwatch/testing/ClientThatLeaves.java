package dev.stackwatch.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** A raw client that sends a request and hangs up while it is being served, as a client that gives up does. */
public final class ClientThatLeaves {
    private ClientThatLeaves() {
    }

    /**
     * Writes {@code request} to the port, waits (10 s at most) until {@code serving}, then closes the socket; returns
     * what had arrived by then.
     */
    public static String leaveWhile(int port, String request, BooleanSupplier serving) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            Polling.await(Duration.ofSeconds(10), "the request to be served", serving);
            InputStream in = socket.getInputStream();
            return new String(in.readNBytes(in.available()), StandardCharsets.ISO_8859_1);
        }
    }
}
