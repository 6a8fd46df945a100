package dev.stackwatch.provider.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.deadline.DeadlineTimer;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.inference.UpstreamHeaders;
import dev.stackwatch.wire.ByteSlice;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How {@link HttpUpstream} reads answers, against a raw socket upstream that decides exactly what each write carries:
 * pieces that came in one socket read are handed over together (one flush per read, not per token), a body faster
 * than its reader pauses the connection instead of piling up in memory, and connections are kept alive or dropped as
 * the answer's end says.
 */
class UpstreamReadsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final DeadlineTimer deadlines = new DeadlineTimer("test-deadlines");
    private final UpstreamTransport transport = new UpstreamTransport(deadlines);
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> accepted = new ArrayList<>();
    private ServerSocket server;
    private HttpUpstream upstream;

    @AfterEach
    void stop() throws IOException {
        if (upstream != null) {
            upstream.close();
        }
        if (server != null) {
            server.close();
        }
        synchronized (accepted) {
            for (Socket socket : accepted) {
                socket.close();
            }
        }
        transport.close();
        deadlines.close();
    }

    @Test
    void tokensThatCameInOneSocketReadAreHandedOverAtOnce() {
        StringBuilder chunks = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            String event = "data: {\"token\":" + i + "}\n\n";
            chunks.append(Integer.toHexString(event.length())).append("\r\n").append(event).append("\r\n");
        }
        chunks.append("0\r\n\r\n");
        serve((in, out) -> {
            readHead(in);
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"));
            out.flush();
            out.write(ascii(chunks.toString()));   // twenty HTTP chunks in one write
            out.flush();
        });
        AtomicInteger waits = new AtomicInteger();
        List<String> data = new ArrayList<>();
        try (UpstreamResponse response = upstream.get("/stream", WAIT)) {
            response.beforeWaiting(waits::incrementAndGet);
            for (String line = response.readLine(); line != null; line = response.readLine()) {
                if (line.startsWith("data: ")) {
                    data.add(line);
                }
            }
        }
        assertEquals(20, data.size(), data.toString());
        assertEquals("data: {\"token\":19}", data.getLast());
        // HttpClient 5 handed over one chunk at a time: a wait, and so a flush, before each of the twenty.
        assertTrue(waits.get() <= 1, "waited " + waits.get() + " times for one write's worth of tokens");
    }

    @Test
    void serverSentEventsGiveEachEventsDataOnceWithItsLinesJoined() {
        String events = ": a comment\n\nid: 1\nevent: message\ndata: {\"a\":1}\n\n"
                + "data:no space\n\ndata: first\ndata: second\r\ndata:\n\n"
                + "retry: 10\n\ndata: [DONE]\n\ndata: after done\n\n";
        serve((in, out) -> {
            readHead(in);
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: "
                    + events.length() + "\r\n\r\n" + events));
            out.flush();
        });
        List<String> data = new ArrayList<>();
        try (UpstreamResponse response = upstream.get("/events", WAIT)) {
            SseEvents sse = new SseEvents(response);
            for (ByteSlice event = sse.next(); event != null; event = sse.next()) {
                data.add(event.utf8());
            }
        }
        assertEquals(List.of("{\"a\":1}", "no space", "first\nsecond\n"), data);
    }

    @Test
    void eventDataStaysTheUpstreamsBytesAndBytesThatAreNotUtf8AreABadResponse() throws IOException {
        ByteArrayOutputStream events = new ByteArrayOutputStream();
        events.writeBytes("data: {\"t\":\"\u00e9 \ud83d\ude00\"}\n\n".getBytes(StandardCharsets.UTF_8));
        events.writeBytes(ascii("data: {\"t\":\""));
        events.write(0xC3);   // the first byte of a two-byte character, then a quote: not UTF-8
        events.writeBytes(ascii("\"}\n\n"));
        byte[] body = events.toByteArray();
        serve((in, out) -> {
            readHead(in);
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: " + body.length
                    + "\r\n\r\n"));
            out.write(body);
            out.flush();
        });
        HttpUpstream.BodyReader<String> text = (json, data) -> json.readTree(data.toArray()).path("t").asText();
        try (UpstreamResponse response = upstream.get("/events", WAIT)) {
            SseEvents sse = new SseEvents(response);
            assertEquals("\u00e9 \ud83d\ude00", upstream.read(sse.next(), "SSE event", text));
            ByteSlice broken = sse.next();
            assertEquals(0xC3, broken.at(broken.length() - 3) & 0xFF, "passed on as it came, not replaced");
            UpstreamFailure failure = assertThrows(UpstreamFailure.class,
                    () -> upstream.read(broken, "SSE event", text));
            assertTrue(failure.getMessage().contains("malformed SSE event"), failure.getMessage());
        }
    }

    @Test
    void aBodyFasterThanItsReaderPausesTheConnectionAndLosesNothing() {
        long size = 64L * 1024 * 1024;
        AtomicLong written = new AtomicLong();
        serve((in, out) -> {
            readHead(in);
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + size
                    + "\r\n\r\n"));
            byte[] block = new byte[64 * 1024];
            for (long sent = 0; sent < size; sent += block.length) {
                block[0] = (byte) (sent / block.length);
                out.write(block);
                written.addAndGet(block.length);
            }
            out.flush();
        });
        try (UpstreamResponse response = upstream.get("/big", WAIT)) {
            long read = response.readChunk().length;
            // The upstream stops getting rid of bytes once the reader's share and the sockets' buffers are full.
            long[] last = {-1, 0};
            Polling.await(WAIT, "the upstream's writes to stall", () -> {
                long now = written.get();
                last[1] = now == last[0] ? last[1] + 1 : 0;
                last[0] = now;
                return last[1] >= 10;
            });
            assertTrue(written.get() < size / 4, "the upstream wrote " + written.get()
                    + " bytes that nobody read: the answer piled up in memory");
            for (byte[] chunk = response.readChunk(); chunk != null; chunk = response.readChunk()) {
                read += chunk.length;
            }
            assertEquals(size, read);
        }
    }

    @Test
    void aConnectionCarriesOneAnswerAfterAnother() {
        serve((in, out) -> {
            for (int i = 0; readHead(in); i++) {
                String body = "{\"answer\":" + i + "}";
                out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.length() + "\r\n\r\n" + body));
                out.flush();
            }
        });
        for (int i = 0; i < 3; i++) {
            try (UpstreamResponse response = upstream.get("/answer", WAIT)) {
                assertEquals("{\"answer\":" + i + "}", new String(response.readAll(1024), StandardCharsets.UTF_8));
            }
        }
        assertEquals(1, connections.get(), "connections opened for three answers");
    }

    @Test
    void theEventLoopIsSetUpByTheFirstConnectionNotByTheProvider() {
        serve((in, out) -> {
            readHead(in);
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"));
            out.flush();
        });
        // Made before the listeners open; Netty's set-up waits for the first request upstream (a model load).
        assertFalse(transport.started(), "the upstream client is made, its event loop is not");
        try (UpstreamResponse response = upstream.get("/first", WAIT)) {
            assertEquals("{}", new String(response.readAll(16), StandardCharsets.UTF_8));
        }
        assertTrue(transport.started());
    }

    @Test
    void anUpstreamThatClosesAfterEachAnswerGetsANewConnectionEachTime() {
        serve((in, out) -> {
            readHead(in);
            out.write(ascii("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 2\r\n\r\n{}"));
            out.flush();
        });
        for (int i = 0; i < 2; i++) {
            try (UpstreamResponse response = upstream.get("/closing", WAIT)) {
                assertEquals("{}", new String(response.readAll(1024), StandardCharsets.UTF_8));
            }
        }
        assertEquals(2, connections.get(), "connections opened for two answers that each closed theirs");
    }

    @Test
    void anAnswerClosedBeforeItsEndDropsItsConnection() {
        AtomicInteger hangUps = new AtomicInteger();
        serve((in, out) -> {
            readHead(in);
            out.write(ascii("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "e\r\ndata: first\n\n\r\n"));
            out.flush();
            if (in.read() < 0) {   // nothing more is sent: the client's close is all that can end this
                hangUps.incrementAndGet();
            }
        });
        try (UpstreamResponse response = upstream.get("/endless", WAIT)) {
            assertEquals("data: first", response.readLine());
        }
        Polling.await(WAIT, "the upstream to see the connection closed", () -> hangUps.get() == 1);
        try (UpstreamResponse again = upstream.get("/endless", WAIT)) {
            assertEquals("data: first", again.readLine());
        }
        assertEquals(2, connections.get(), "a half-read answer's connection must not be reused");
    }

    @Test
    void anAnswerThatComesBeforeTheUploadEndsIsTheOutcome() throws IOException {
        // A server that refuses from the head alone, sends its answer, half-closes and drains the rest (a lingering
        // close, so the answer is not lost to a reset): the relay's remaining writes fail, the answer must not be.
        serveSockets(socket -> {
            InputStream in = socket.getInputStream();
            readHead(in);
            String refusal = "{\"error\":{\"message\":\"too large\",\"type\":\"invalid_request_error\"}}";
            socket.getOutputStream().write(ascii("HTTP/1.1 413 Payload Too Large\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + refusal.length() + "\r\nConnection: close\r\n\r\n" + refusal));
            socket.getOutputStream().flush();
            socket.shutdownOutput();
            in.transferTo(OutputStream.nullOutputStream());
        });
        byte[] upload = new byte[20_000_000];
        try (UpstreamResponse response = upstream.relay("POST", "/v1/files", UpstreamHeaders.NONE,
                Map.of("Content-Type", "application/octet-stream"), new ByteArrayInputStream(upload), upload.length,
                "upload", WAIT)) {
            assertEquals(413, response.status());
            assertTrue(new String(response.readAll(1 << 16), StandardCharsets.UTF_8).contains("too large"));
        }
    }

    private interface SocketConnection {
        void serve(Socket socket) throws IOException;
    }

    @FunctionalInterface
    private interface Connection {
        void serve(InputStream in, OutputStream out) throws IOException;
    }

    /** Starts the upstream: each accepted connection is served by {@code connection} on its own thread. */
    private void serve(Connection connection) {
        serveSockets(socket -> connection.serve(socket.getInputStream(), socket.getOutputStream()));
    }

    /** {@link #serve}, for an upstream that needs the socket itself (to half-close it). */
    private void serveSockets(SocketConnection connection) {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    connections.incrementAndGet();
                    synchronized (accepted) {
                        accepted.add(socket);
                    }
                    Thread.ofVirtual().start(() -> {
                        try (socket) {
                            connection.serve(socket);
                        } catch (IOException closed) {
                            // the test is over or the client hung up
                        }
                    });
                } catch (IOException closed) {
                    return;
                }
            }
        });
        URI base = URI.create("http://127.0.0.1:" + server.getLocalPort());
        upstream = new HttpUpstream(new UpstreamSettings(base, null, Map.of(), TlsVerify.SYSTEM, WAIT, WAIT, WAIT,
                WAIT), new ObjectMapper(), transport);
    }

    /** Reads one request's head (these requests have no body); false when the client closed the connection. */
    private static boolean readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return false;
            }
            head.write(b);
            byte[] seen = head.toByteArray();
            int n = seen.length;
            if (n >= 4 && seen[n - 4] == '\r' && seen[n - 3] == '\n' && seen[n - 2] == '\r' && seen[n - 1] == '\n') {
                return true;
            }
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
