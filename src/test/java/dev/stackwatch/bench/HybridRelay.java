package dev.stackwatch.bench;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Half of each relay core, measured by {@code scripts/proxy-overhead.sh} as the path "hybrid-relay" (issue 21):
 * Helidon's server on virtual threads, as in {@link BareRelay}, with a Netty client on its own event loop instead of
 * HttpClient 5. The event loop hands each socket read's worth of the answer to the request's thread at once, so the
 * thread writes every piece that came in one read and flushes once, when it has nothing left to write: what
 * HttpClient 5's classic API cannot tell it (its body stream hands over one HTTP chunk at a time and cannot say
 * whether the next is already buffered). Says what replacing only the upstream client would give.
 * Usage: {@code HybridRelay PORT UPSTREAM_BASE_URL}.
 */
public final class HybridRelay {
    /** Marks the end of one socket read's pieces in a request's queue. */
    private static final Object READ_END = new Object();
    /** Marks the upstream connection's end (closed or failed) in a request's queue. */
    private static final Object CLOSED = new Object();

    private HybridRelay() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        URI upstream = URI.create(args[1]);
        NettyTransport transport = NettyTransport.best();
        Bootstrap client = transport.client(transport.loops(1), new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                channel.pipeline().addLast(new HttpClientCodec(), new Exchange());
            }
        });
        ConcurrentLinkedQueue<Channel> idle = new ConcurrentLinkedQueue<>();
        WebServer.builder().host("127.0.0.1").port(port)
                .connectionOptions(o -> o.tcpNoDelay(true))
                .routing(routing -> routing.post("/v1/chat/completions", (req, res) -> {
                    Channel channel = idle.poll();
                    if (channel == null || !channel.isActive()) {
                        channel = client.connect(upstream.getHost(), upstream.getPort()).sync().channel();
                    }
                    BlockingQueue<Object> parts = new LinkedBlockingQueue<>();
                    channel.pipeline().get(Exchange.class).parts = parts;
                    byte[] body = req.content().as(byte[].class);
                    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                            "/v1/chat/completions", Unpooled.wrappedBuffer(body));
                    request.headers().set(HttpHeaderNames.HOST, upstream.getAuthority())
                            .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
                    channel.writeAndFlush(request).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
                    try {
                        relay(parts, res);
                    } catch (IOException | RuntimeException e) {
                        channel.close();   // mid-answer: the connection cannot carry another request
                        throw e;
                    }
                    idle.add(channel);
                }))
                .build()
                .start();
        System.out.println("hybrid relay on " + port + " (" + transport + ") to " + upstream);
        Thread.currentThread().join();
    }

    private static void relay(BlockingQueue<Object> parts, io.helidon.webserver.http.ServerResponse res)
            throws InterruptedException, IOException {
        Object first = next(parts);
        while (first == READ_END) {   // the end of the previous answer's last read, on a reused connection
            first = next(parts);
        }
        HttpResponse head = (HttpResponse) first;
        String type = head.headers().get(HttpHeaderNames.CONTENT_TYPE, "application/json");
        res.header(HeaderNames.CONTENT_TYPE, type);
        if (!type.startsWith("text/event-stream")) {
            ByteArrayOutputStream whole = new ByteArrayOutputStream();
            for (Object part = next(parts); ; part = next(parts)) {
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
            for (Object part = next(parts); ; part = next(parts)) {
                if (part == READ_END) {
                    if (parts.isEmpty()) {
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

    /** The next piece of the answer; an upstream connection that ended before the answer did fails the request. */
    private static Object next(BlockingQueue<Object> parts) throws InterruptedException, IOException {
        Object part = parts.take();
        if (part == CLOSED) {
            throw new IOException("the upstream connection ended before its answer did");
        }
        return part;
    }

    private static void copy(HttpContent content, OutputStream out) throws IOException {
        ByteBuf bytes = content.content();
        try {
            bytes.readBytes(out, bytes.readableBytes());
        } finally {
            content.release();
        }
    }

    /** Passes an answer's pieces to the waiting request, each socket read's worth followed by {@link #READ_END}. */
    private static final class Exchange extends ChannelInboundHandlerAdapter {
        private volatile BlockingQueue<Object> parts;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object part) {
            parts.add(part);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            BlockingQueue<Object> waiting = parts;
            if (waiting != null) {
                waiting.add(READ_END);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            BlockingQueue<Object> waiting = parts;
            if (waiting != null) {
                waiting.add(CLOSED);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();   // channelInactive tells the waiting request
        }
    }
}
