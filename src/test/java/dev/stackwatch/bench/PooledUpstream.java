package dev.stackwatch.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The upstream half of the relays whose requests wait in blocking code ({@link HybridRelay},
 * {@link NettyVirtualThreadRelay}): pooled HTTP/1.1 connections on Netty event loops, each answer handed to the
 * waiting request's thread one socket read at a time, so the thread can write every piece that came in one read and
 * flush once.
 */
final class PooledUpstream {
    /** Marks the end of one socket read's pieces in an answer. */
    static final Object READ_END = new Object();
    /** Marks the upstream connection's end (closed or failed) in an answer. */
    private static final Object CLOSED = new Object();

    private final URI upstream;
    private final Bootstrap client;
    private final ConcurrentLinkedQueue<Channel> idle = new ConcurrentLinkedQueue<>();

    PooledUpstream(URI upstream, NettyTransport transport, EventLoopGroup loops) {
        this.upstream = upstream;
        this.client = transport.client(loops, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                channel.pipeline().addLast(new HttpClientCodec(), new Pieces());
            }
        });
    }

    /** Sends {@code body} as a JSON POST to {@code path} on a pooled connection; the answer comes as it is read. */
    Answer post(String path, byte[] body) throws InterruptedException {
        Channel channel = idle.poll();
        if (channel == null || !channel.isActive()) {
            channel = client.connect(upstream.getHost(), upstream.getPort()).sync().channel();
        }
        BlockingQueue<Object> parts = new LinkedBlockingQueue<>();
        channel.pipeline().get(Pieces.class).parts = parts;
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path,
                Unpooled.wrappedBuffer(body));
        request.headers().set(HttpHeaderNames.HOST, upstream.getAuthority())
                .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        channel.writeAndFlush(request).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        return new Answer(channel, parts);
    }

    /** One answer's pieces: its head, then {@code HttpContent}s with a {@link #READ_END} after each socket read's. */
    final class Answer {
        private final Channel channel;
        private final BlockingQueue<Object> parts;

        private Answer(Channel channel, BlockingQueue<Object> parts) {
            this.channel = channel;
            this.parts = parts;
        }

        HttpResponse head() throws InterruptedException, IOException {
            Object first = next();
            while (first == READ_END) {   // the end of the previous answer's last read, on a reused connection
                first = next();
            }
            return (HttpResponse) first;
        }

        /** The next piece; an upstream connection that ended before the answer did fails the request. */
        Object next() throws InterruptedException, IOException {
            Object part = parts.take();
            if (part == CLOSED) {
                throw new IOException("the upstream connection ended before its answer did");
            }
            return part;
        }

        /** True when no piece is waiting: the moment to flush what was written. */
        boolean drained() {
            return parts.isEmpty();
        }

        /** The answer was read to its end: its connection can carry the next request. */
        void done() {
            idle.add(channel);
        }

        /** Mid-answer: the connection cannot carry another request. */
        void abandon() {
            channel.close();
        }
    }

    /** Passes an answer's pieces to the waiting request, each socket read's worth followed by {@link #READ_END}. */
    private static final class Pieces extends ChannelInboundHandlerAdapter {
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
