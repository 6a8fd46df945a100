package dev.stackwatch.provider.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.deadline.Deadline;
import dev.stackwatch.deadline.DeadlineTimer;
import dev.stackwatch.inference.UpstreamHeaders;
import dev.stackwatch.wire.ByteSlice;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP/1.1 to one upstream over pooled keep-alive connections. The caller's thread (a virtual thread) writes the
 * request and blocks for the answer; the shared event loop ({@link UpstreamTransport}) moves the bytes and hands the
 * thread each socket read's worth at once, so a streaming provider flushes once per read rather than once per token.
 * <p>
 * Sends the bearer token, fixed headers and the call's {@link UpstreamHeaders}; {@link #send} returns a response
 * only for 2xx and turns everything else (error statuses, refused connections, timeouts) into a classified
 * {@link UpstreamFailure}. The token never appears in messages. Timeouts are {@link Deadline}s on the calling thread:
 * first byte from sending the request to the first body bytes, then the idle limit between reads. A deadline
 * interrupts the waiting thread, virtual or not, so no read needs a timer of its own.
 */
public final class HttpUpstream implements AutoCloseable {
    /** Error bodies are read only for their message; a huge one is cut here. */
    private static final int ERROR_BODY_LIMIT = 64 * 1024;
    /** A relayed request body goes upstream in pieces of at most this, each written before the next is read. */
    private static final int UPLOAD_PIECE = 64 * 1024;

    private final UpstreamSettings settings;
    private final ObjectMapper json;
    private final UpstreamConnections connections;
    private final DeadlineTimer deadlines;
    /** The Host header: the base URL's host and port as written. */
    private final String authority;
    /** The base URL's path, which every provider path is under. */
    private final String basePath;

    public HttpUpstream(UpstreamSettings settings, ObjectMapper json, UpstreamTransport transport) {
        this.settings = settings;
        this.json = json;
        this.connections = new UpstreamConnections(settings, transport);
        this.deadlines = transport.deadlines();
        URI base = settings.baseUrl();
        this.authority = base.getRawAuthority().substring(base.getRawAuthority().indexOf('@') + 1);
        this.basePath = base.getRawPath() == null ? "" : base.getRawPath();
    }

    public UpstreamSettings settings() {
        return settings;
    }

    /** A request no client call made (warming a model up): it carries no trace context. */
    public UpstreamResponse postJson(String path, JsonNode body) {
        return postJson(path, body, UpstreamHeaders.NONE);
    }

    /** {@code trace}: the call's {@link UpstreamHeaders}, passed along with its request. */
    public UpstreamResponse postJson(String path, JsonNode body, UpstreamHeaders trace) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise upstream request", e);
        }
        return send(UpstreamRequest.postJson(path, bytes), trace, "POST " + path, settings.firstByteTimeout());
    }

    public UpstreamResponse get(String path, Duration firstByteTimeout) {
        return send(UpstreamRequest.get(path), UpstreamHeaders.NONE, "GET " + path, firstByteTimeout);
    }

    /** Sends a request and returns the response only if it is 2xx; any other status is an {@link UpstreamFailure}. */
    public UpstreamResponse send(UpstreamRequest request, UpstreamHeaders trace, String what,
                                 Duration firstByteTimeout) {
        UpstreamResponse response = exchange(request, trace, what, firstByteTimeout);
        if (response.status() / 100 == 2) {
            return response;
        }
        try (response) {
            String text = new String(response.readAll(ERROR_BODY_LIMIT), StandardCharsets.UTF_8);
            throw UpstreamFailure.status(response.status(), errorMessage(text), retryAfter(response));
        }
    }

    /**
     * Sends a request and returns the response whatever its status (the LlamaStack passthrough relays error statuses
     * as they are). Adds the bearer token, fixed headers and trace context; the first-byte deadline starts now.
     */
    public UpstreamResponse exchange(UpstreamRequest request, UpstreamHeaders trace, String what,
                                     Duration firstByteTimeout) {
        byte[] body = request.body();
        DefaultFullHttpRequest message = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
                HttpMethod.valueOf(request.method()), basePath + request.path(), Unpooled.wrappedBuffer(body));
        headers(message.headers(), trace, request.headers());
        if (body.length > 0) {
            // The Content-Type travels as a header of the request, like every other.
            message.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        }
        return open(what, firstByteTimeout, (channel, done) -> channel.writeAndFlush(message, done));
    }

    /**
     * Relays a client's request: {@code pathFromRoot} (with its query) is taken from the server root, the base URL
     * without its path, since a LlamaStack's base URL ends in /v1 and the relay also serves /v1alpha and /v1beta.
     * The body streams from {@code body} as the client sends it ({@code length} -1 when unknown: chunked), so uploads
     * are never held in memory. Returns the response whatever its status; a body that cannot be read is a
     * {@link RequestBodyFailure}, not an upstream failure.
     */
    public UpstreamResponse relay(String method, String pathFromRoot, UpstreamHeaders trace,
                                  Map<String, String> headers, InputStream body, long length, String what,
                                  Duration firstByteTimeout) {
        if (body == null) {
            DefaultFullHttpRequest bodiless = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
                    HttpMethod.valueOf(method), pathFromRoot);
            headers(bodiless.headers(), trace, headers);
            return open(what, firstByteTimeout, (channel, done) -> channel.writeAndFlush(bodiless, done));
        }
        DefaultHttpRequest message = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method),
                pathFromRoot);
        headers(message.headers(), trace, headers);
        if (length >= 0) {
            message.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
        } else {
            message.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        return open(what, firstByteTimeout, (channel, done) -> upload(channel, done, message, body, length));
    }

    /**
     * Writes a request with a streamed body, each piece written before the next is read: a client uploading faster
     * than the upstream takes it waits, and the upload is never held in memory.
     */
    private static void upload(Channel channel, ChannelPromise done, HttpRequest message, InputStream body,
                               long length) throws IOException {
        // The head leaves with the first piece; a failed write fails every later one too.
        channel.write(message);
        byte[] piece = new byte[UPLOAD_PIECE];
        long sent = 0;
        for (int n = read(body, piece); n >= 0; n = read(body, piece)) {
            if (n > 0) {
                UpstreamConnections.await(channel.writeAndFlush(
                        new DefaultHttpContent(Unpooled.copiedBuffer(piece, 0, n))));
                sent += n;
            }
        }
        if (length >= 0 && sent != length) {
            // The upstream would wait for the rest until its own timeout, or read the next request as part of this one.
            throw new RequestBodyFailure(new EOFException("the body ended after " + sent + " of its declared "
                    + length + " bytes"));
        }
        channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, done);
    }

    /** Reads the next piece of a relayed body; a failure is the sender's, never the upstream's. */
    private static int read(InputStream body, byte[] piece) {
        try {
            return body.read(piece);
        } catch (IOException | RuntimeException e) {
            throw new RequestBodyFailure(e);
        }
    }

    /** Adds the fixed headers, bearer token and trace context to a request's own headers. */
    private void headers(HttpHeaders target, UpstreamHeaders trace, Map<String, String> own) {
        target.set(HttpHeaderNames.HOST, authority);
        settings.headers().forEach(target::add);
        if (settings.bearerToken() != null && !settings.bearerToken().isBlank()) {
            target.add(HttpHeaderNames.AUTHORIZATION, "Bearer " + settings.bearerToken());
        }
        trace.values().forEach(target::add);
        own.forEach(target::set);
    }

    /** How a request goes out on a connection: its last write completes {@code done}. */
    @FunctionalInterface
    private interface Sending {
        void send(Channel channel, ChannelPromise done) throws IOException;
    }

    private UpstreamResponse open(String what, Duration firstByteTimeout, Sending sending) {
        long firstByteDue = System.nanoTime() + firstByteTimeout.toNanos();
        Deadline deadline = deadlines.arm(firstByteTimeout);
        UpstreamExchange exchange = null;
        UpstreamExchange.Read head;
        try {
            exchange = connections.begin();
            send(exchange, sending);
            head = exchange.next();
        } catch (IOException | RuntimeException e) {
            deadline.close();
            if (exchange != null) {
                connections.end(exchange, false);
            }
            if (e instanceof RequestBodyFailure body) {
                throw body;
            }
            throw deadline.fired() ? noFirstByte(what, firstByteTimeout) : failure(what, e);
        }
        deadline.close();
        if (deadline.fired()) {
            // The answer arrived just as the deadline fired: it is late, and the exchange is abandoned.
            connections.end(exchange, false);
            throw noFirstByte(what, firstByteTimeout);
        }
        return new UpstreamResponse(what, head, exchange, connections, deadlines, firstByteDue,
                settings.idleTimeout());
    }

    /**
     * Sends the request. Writes that fail after the upstream has answered (it refused an upload from its head and
     * closed) leave that answer as the outcome; the connection is not reused, as the request never ended. The end of
     * the last write is heard before it is made, so it is known on the loop before any of the answer is.
     */
    private static void send(UpstreamExchange exchange, Sending sending) throws IOException {
        ChannelPromise done = exchange.channel().newPromise();
        done.addListener(written -> {
            if (written.isSuccess()) {
                exchange.sent();
            } else if (!exchange.answered()) {
                exchange.ended(UpstreamResponse.unwrap(written.cause()));
                exchange.channel().close();
            }
        });
        try {
            sending.send(exchange.channel(), done);
        } catch (IOException e) {
            if (!exchange.answered()) {
                throw e;
            }
        }
    }

    /** Parses a whole JSON body; anything else is a bad upstream response. */
    public JsonNode readJson(UpstreamResponse response, int limit) {
        return readJson(response, limit, (mapper, body) -> mapper.readTree(body.array(), body.from(), body.length()));
    }

    /**
     * Reads the whole answer, at most {@code limit} bytes, with this upstream's JSON mapper and {@code reader} (which
     * need not build a tree); malformed JSON is a bad upstream response.
     */
    public <T> T readJson(UpstreamResponse response, int limit, BodyReader<T> reader) {
        byte[] bytes = response.readAll(limit);
        try {
            return reader.read(json, ByteSlice.of(bytes));
        } catch (IOException e) {
            throw UpstreamFailure.badResponse("upstream sent invalid JSON: " + UpstreamResponse.describe(e), e);
        }
    }

    /** How a provider reads a whole answer, or a piece of one such as an SSE event's data, in place. */
    @FunctionalInterface
    public interface BodyReader<T> {
        T read(ObjectMapper json, ByteSlice body) throws IOException;
    }

    /** Reads one NDJSON line as a tree; malformed text is a bad upstream response. */
    public JsonNode parse(String text, String what) {
        try {
            return json.readTree(text);
        } catch (IOException e) {
            throw malformed(what, text, e);
        }
    }

    /** Reads a piece of an answer, e.g. an SSE event's data, with {@code reader}; malformed JSON is a bad response. */
    public <T> T read(ByteSlice data, String what, BodyReader<T> reader) {
        try {
            return reader.read(json, data);
        } catch (IOException e) {
            throw malformed(what, data.utf8(), e);
        }
    }

    private static UpstreamFailure malformed(String what, String text, IOException e) {
        return UpstreamFailure.badResponse("upstream sent a malformed " + what + ": " + abbreviate(text), e);
    }

    private static UpstreamFailure noFirstByte(String what, Duration firstByteTimeout) {
        return UpstreamFailure.timeout(what + ": no response from upstream within " + firstByteTimeout.toMillis()
                + " ms (first_byte_timeout_ms)");
    }

    private UpstreamFailure failure(String what, Throwable cause) {
        if (Thread.currentThread().isInterrupted()) {
            return UpstreamFailure.connection(what + ": interrupted while waiting for the upstream", cause);
        }
        if (cause instanceof io.netty.channel.ConnectTimeoutException) {
            return UpstreamFailure.connection(what + ": cannot connect to " + settings.baseUrl() + " within "
                    + settings.connectTimeout().toMillis() + " ms (connect_timeout_ms)", cause);
        }
        if (cause instanceof ConnectException) {
            return UpstreamFailure.connection(what + ": cannot connect to " + settings.baseUrl() + ": "
                    + UpstreamResponse.describe(cause), cause);
        }
        return UpstreamFailure.connection(what + ": upstream connection failed: " + UpstreamResponse.describe(cause),
                cause);
    }

    /** The human part of an error body: OpenAI's error.message, Ollama's error, FastAPI's detail, or the text. */
    private String errorMessage(String body) {
        try {
            JsonNode node = json.readTree(body);
            if (node != null) {
                JsonNode error = node.path("error");
                if (error.path("message").isTextual()) {
                    return error.get("message").asText();
                }
                if (error.isTextual()) {
                    return error.asText();
                }
                if (node.path("detail").isTextual()) {
                    return node.get("detail").asText();
                }
            }
        } catch (IOException notJson) {
            // fall through to the raw text
        }
        return abbreviate(body.strip());
    }

    private static Duration retryAfter(UpstreamResponse response) {
        return response.header("Retry-After").flatMap(v -> {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(v.trim())));
            } catch (NumberFormatException httpDate) {
                return Optional.empty();
            }
        }).orElse(null);
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }

    @Override
    public void close() {
        connections.close();
    }
}
