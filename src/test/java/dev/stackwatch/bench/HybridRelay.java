package dev.stackwatch.bench;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerResponse;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;

/**
 * Half of each relay core, measured by {@code scripts/proxy-overhead.sh} as the path "hybrid-relay" (issue 21):
 * Helidon's server on virtual threads, as in {@link BareRelay}, with a Netty client on its own event loop instead of
 * HttpClient 5 ({@link PooledUpstream}). The event loop hands each socket read's worth of the answer to the request's
 * thread at once, so the thread writes every piece that came in one read and flushes once, when it has nothing left
 * to write: what HttpClient 5's classic API cannot tell it (its body stream hands over one HTTP chunk at a time and
 * cannot say whether the next is already buffered). Says what replacing only the upstream client would give.
 * Usage: {@code HybridRelay PORT UPSTREAM_BASE_URL}.
 */
public final class HybridRelay {
    private HybridRelay() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        URI uri = URI.create(args[1]);
        NettyTransport transport = NettyTransport.best();
        PooledUpstream upstream = new PooledUpstream(uri, transport, transport.loops(1));
        WebServer.builder().host("127.0.0.1").port(port)
                .connectionOptions(o -> o.tcpNoDelay(true))
                .routing(routing -> routing.post("/v1/chat/completions", (req, res) -> {
                    PooledUpstream.Answer answer = upstream.post("/v1/chat/completions",
                            req.content().as(byte[].class));
                    try {
                        relay(answer, res);
                    } catch (IOException | RuntimeException e) {
                        answer.abandon();
                        throw e;
                    }
                    answer.done();
                }))
                .build()
                .start();
        System.out.println("hybrid relay on " + port + " (" + transport + ") to " + uri);
        Thread.currentThread().join();
    }

    private static void relay(PooledUpstream.Answer answer, ServerResponse res)
            throws InterruptedException, IOException {
        String type = answer.head().headers().get(HttpHeaderNames.CONTENT_TYPE, "application/json");
        res.header(HeaderNames.CONTENT_TYPE, type);
        if (!type.startsWith("text/event-stream")) {
            ByteArrayOutputStream whole = new ByteArrayOutputStream();
            for (Object part = answer.next(); ; part = answer.next()) {
                if (part instanceof HttpContent content) {
                    copy(content, whole);
                    if (content instanceof LastHttpContent) {
                        res.send(whole.toByteArray());
                        return;
                    }
                }
            }
        }
        try (OutputStream out = res.outputStream()) {
            for (Object part = answer.next(); ; part = answer.next()) {
                if (part == PooledUpstream.READ_END) {
                    if (answer.drained()) {
                        out.flush();
                    }
                    continue;
                }
                HttpContent content = (HttpContent) part;
                copy(content, out);
                if (content instanceof LastHttpContent) {
                    return;
                }
            }
        }
    }

    private static void copy(HttpContent content, OutputStream out) throws IOException {
        ByteBuf bytes = content.content();
        try {
            bytes.readBytes(out, bytes.readableBytes());
        } finally {
            content.release();
        }
    }
}
