package dev.stackwatch.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;

/**
 * The event-loop relay core measured beside {@link BareRelay} by {@code scripts/proxy-overhead.sh} (the path
 * "netty-relay", issue 21): Netty's HTTP/1.1 codecs on one event loop per core, each client connection paired with
 * one upstream connection opened on the same loop, so a request and its answer cross no thread at all (nginx's shape:
 * one wake-up per read). Like the bare relay it relays any request and streams answers as the upstream's reads
 * arrive, flushing once per read rather than per chunk, and does nothing else: no parsing of bodies, telemetry,
 * limits or logging. What it adds over direct is the floor an event-loop core would give Stackwatch.
 * Usage: {@code NettyRelay PORT UPSTREAM_BASE_URL} (e.g. {@code http://127.0.0.1:8000}).
 */
public final class NettyRelay {
    private NettyRelay() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        URI upstream = URI.create(args[1]);
        NettyTransport transport = NettyTransport.best();
        EventLoopGroup loops = transport.loops(Runtime.getRuntime().availableProcessors());
        new ServerBootstrap()
                .group(loops)
                .channel(transport.serverChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel client) {
                        client.pipeline().addLast(new HttpServerCodec(),
                                new ClientSide(upstream, transport));
                    }
                })
                .bind("127.0.0.1", port).sync();
        System.out.println("netty relay on " + port + " (" + transport + ") to " + upstream);
        Thread.currentThread().join();
    }

    /** Reads the client's requests once its upstream connection is open, and passes every part on unchanged. */
    private static final class ClientSide extends ChannelInboundHandlerAdapter {
        private final URI upstream;
        private final NettyTransport transport;
        private Channel upstreamChannel;

        ClientSide(URI upstream, NettyTransport transport) {
            this.upstream = upstream;
            this.transport = transport;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel client = ctx.channel();
            transport.client(client.eventLoop(), new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(new HttpClientCodec(), new UpstreamSide(client));
                        }
                    })
                    .connect(upstream.getHost(), upstream.getPort())
                    .addListener((ChannelFutureListener) opened -> {
                        if (!opened.isSuccess()) {
                            client.close();
                        } else if (!client.isActive()) {
                            opened.channel().close();   // the client left while this connected
                        } else {
                            upstreamChannel = opened.channel();
                            client.read();
                        }
                    });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object part) {
            if (part instanceof HttpRequest request) {
                request.headers().set(HttpHeaderNames.HOST, upstream.getAuthority());
            }
            upstreamChannel.write(part);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            upstreamChannel.flush();
            ctx.read();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (upstreamChannel != null) {
                upstreamChannel.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Passes the upstream's answer back to its client as it is read, one flush per read. */
    private static final class UpstreamSide extends ChannelInboundHandlerAdapter {
        private final Channel client;

        UpstreamSide(Channel client) {
            this.client = client;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object part) {
            if (!client.isActive()) {
                ReferenceCountUtil.release(part);
                return;
            }
            client.write(part);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            client.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            client.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
