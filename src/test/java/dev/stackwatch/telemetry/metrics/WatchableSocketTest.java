package dev.stackwatch.telemetry.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.lifecycle.ClientWatch;
import dev.stackwatch.testing.Polling;
import io.helidon.common.socket.PlainSocket;
import io.helidon.webserver.ServerConnectionException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The watchable reader on a real loopback connection: one reader at a time, nothing lost, the client's leaving seen. */
class WatchableSocketTest {
    private ServerSocket listener;
    private Socket client;
    private Socket accepted;
    private WatchableSocket socket;
    private final AtomicInteger gone = new AtomicInteger();

    @BeforeEach
    void connect() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        accepted = listener.accept();
        socket = new WatchableSocket(PlainSocket.server(accepted, "test", "test"));
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        accepted.close();
        listener.close();
    }

    @Test
    void whatTheWatcherReadIsTheNextReadInOrder() throws IOException {
        send("first ");
        assertEquals("first ", text(socket.get()));
        try (ClientWatch.Watch w = socket.watch(gone::incrementAndGet)) {
            send("second ");
        }
        send("third");
        StringBuilder got = new StringBuilder();
        while (got.length() < "second third".length()) {
            got.append(text(socket.get()));
        }
        assertEquals("second third", got.toString());
        assertEquals(0, gone.get());
    }

    @Test
    void aClientThatClosesDuringTheWatchIsSeenOnceAndTheNextReadIsTheEnd() throws IOException {
        ClientWatch.Watch w = socket.watch(gone::incrementAndGet);
        client.close();
        Polling.await(Duration.ofSeconds(5), "the close to be seen", () -> gone.get() == 1);
        w.close();
        assertNull(socket.get(), "the end of the stream, handed on");
        assertEquals(1, gone.get());
    }

    @Test
    void aWatchEndedBeforeTheClientLeftNeverFires() throws IOException {
        socket.watch(gone::incrementAndGet).close();
        client.close();
        assertNull(socket.get());
        assertEquals(0, gone.get());
    }

    @Test
    void aClientThatLeftBetweenWatchesIsSeenByTheNextWatch() throws IOException {
        socket.watch(() -> { }).close();
        client.close();
        assertNull(socket.get());
        // No read is pending now and the socket is at its end: a new watch's read sees it.
        socket.watch(gone::incrementAndGet);
        Polling.await(Duration.ofSeconds(5), "the close to be seen", () -> gone.get() == 1);
    }

    @Test
    void aPipelinedRequestEndsTheWatchWithoutFiringAndIsNotLost() throws IOException {
        ClientWatch.Watch w = socket.watch(gone::incrementAndGet);
        send("pipelined");
        // The watcher stops after that read: a later close is not seen until the bytes are taken.
        ClientWatch.Watch again = socket.watch(gone::incrementAndGet);
        client.close();
        again.close();
        w.close();
        assertEquals(0, gone.get());
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        for (byte[] b = socket.get(); b != null; b = socket.get()) {
            got.writeBytes(b);
        }
        assertEquals("pipelined", got.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void interruptingTheThreadThatWaitsForTheWatchersReadClosesTheSocketAsItsOwnReadWould() throws Exception {
        socket.watch(gone::incrementAndGet).close();
        CompletableFuture<Throwable> reader = new CompletableFuture<>();
        Thread thread = Thread.ofVirtual().start(() -> {
            try {
                socket.get();
                reader.complete(null);
            } catch (Throwable t) {
                reader.complete(t);
            }
        });
        thread.interrupt();
        Throwable thrown = reader.get(10, TimeUnit.SECONDS);
        assertTrue(thrown instanceof ServerConnectionException, String.valueOf(thrown));
        assertEquals(0, gone.get(), "the server closing the socket is not the client leaving");
        assertEquals(-1, client.getInputStream().read(), "the socket was closed");
        assertThrows(ServerConnectionException.class, () -> socket.get(), "a closed socket stays closed");
    }

    private void send(String text) throws IOException {
        OutputStream out = client.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
