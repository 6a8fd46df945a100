package dev.stackwatch.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The relay core stage 2 would build, measured by {@code scripts/proxy-overhead.sh} as the path "netty-vt-relay"
 * (issue 21): Netty's server on event loops, as in {@link NettyRelay}, with each request handled on a virtual thread
 * of its own in plain blocking code, as in {@link HybridRelay}, against the same pooled Netty client
 * ({@link PooledUpstream}, here on the server's loops). Beside the hybrid relay only the listener differs; beside the
 * Netty relay, the hand-offs to and from the request's thread. So it tells apart what an event-loop listener saves
 * from what keeping the handlers blocking costs. Whole answers are collected and sent with their length; a streamed
 * answer's pieces go to the client once per upstream read, in one task on the client's loop.
 * Usage: {@code NettyVirtualThreadRelay PORT UPSTREAM_BASE_URL}.
 */
public final class NettyVirtualThreadRelay {
    private static final String ROUTE = "/v1/chat/completions";

    private NettyVirtualThreadRelay() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        URI uri = URI.create(args[1]);
        NettyTransport transport = NettyTransport.best();
        EventLoopGroup loops = transport.loops(Runtime.getRuntime().availableProcessors());
        PooledUpstream upstream = new PooledUpstream(uri, transport, loops);
        new ServerBootstrap()
                .group(loops)
                .channel(transport.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel client) {
                        client.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                new Requests(upstream));
                    }
                })
                .bind("127.0.0.1", port).sync();
        System.out.println("netty + virtual thread relay on " + port + " (" + transport + ") to " + uri);
        Thread.currentThread().join();
    }

    /** Hands each whole request to a virtual thread of its own; anything but the one route is a 404 from the loop. */
    private static final class Requests extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final PooledUpstream upstream;

        Requests(PooledUpstream upstream) {
            this.upstream = upstream;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            Channel client = ctx.channel();
            if (!request.method().equals(HttpMethod.POST) || !request.uri().equals(ROUTE)) {
                FullHttpResponse notFound = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.NOT_FOUND, Unpooled.EMPTY_BUFFER);
                notFound.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
                client.writeAndFlush(notFound);
                return;
            }
            byte[] body = ByteBufUtil.getBytes(request.content());
            Thread.startVirtualThread(() -> serve(client, body));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        private void serve(Channel client, byte[] body) {
            PooledUpstream.Answer answer = null;
            try {
                answer = upstream.post(ROUTE, body);
                relay(answer, client);
                answer.done();
            } catch (IOException | InterruptedException | RuntimeException e) {
                if (answer != null) {
                    answer.abandon();
                }
                client.close();
            }
        }
    }

    private static void relay(PooledUpstream.Answer answer, Channel client)
            throws InterruptedException, IOException {
        HttpResponse head = answer.head();
        String type = head.headers().get(HttpHeaderNames.CONTENT_TYPE, "application/json");
        if (!type.startsWith("text/event-stream")) {
            CompositeByteBuf whole = Unpooled.compositeBuffer();
            for (Object part = answer.next(); ; part = answer.next()) {
                if (part instanceof HttpContent content) {
                    whole.addComponent(true, content.content());
                    if (content instanceof LastHttpContent) {
                        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, head.status(),
                                whole);
                        response.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
                                .setInt(HttpHeaderNames.CONTENT_LENGTH, whole.readableBytes());
                        client.writeAndFlush(response);
                        return;
                    }
                }
            }
        }
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, head.status());
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        List<Object> read = new ArrayList<>();
        read.add(response);
        for (Object part = answer.next(); ; part = answer.next()) {
            if (part == PooledUpstream.READ_END) {
                if (answer.drained() && !read.isEmpty()) {
                    send(client, read);
                    read = new ArrayList<>();
                }
                continue;
            }
            read.add(part);
            if (part instanceof LastHttpContent) {
                send(client, read);
                return;
            }
        }
    }

    /** Writes one upstream read's pieces and flushes them, in one task on the client's loop. */
    private static void send(Channel client, List<Object> pieces) {
        client.eventLoop().execute(() -> {
            pieces.forEach(client::write);
            client.flush();
        });
    }
}
