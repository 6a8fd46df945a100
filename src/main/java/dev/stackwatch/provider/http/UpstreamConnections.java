package dev.stackwatch.provider.http;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * Keep-alive connections to one upstream: an idle one is reused (the most recently used first, the least likely to
 * have been closed by the upstream), otherwise a new one is opened. The bulkhead bounds how many are open at once.
 * A connection the upstream closes while idle leaves the pool at once: the event loop sees the close.
 */
final class UpstreamConnections implements AutoCloseable {
    /** Status lines and headers larger than this are a broken upstream, not an answer. */
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    /** Body pieces the decoder hands over at most; one socket read is usually far less. */
    private static final int MAX_PIECE_BYTES = 64 * 1024;

    /** The connection's handler, kept where a closed connection still has it (its pipeline is emptied). */
    private static final AttributeKey<Handler> HANDLER = AttributeKey.valueOf(UpstreamConnections.class, "handler");

    /**
     * Made at the first connection, on the thread that needs it (the first model load, in the background): setting up
     * the event loop initialises Netty, whose native transport and buffer cleaner cost a start about 0.1 s of CPU
     * before the listeners could open.
     */
    private final Supplier<Bootstrap> makeBootstrap;
    private Bootstrap bootstrap;
    private final String host;
    private final int port;
    private final Deque<Channel> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    UpstreamConnections(UpstreamSettings settings, UpstreamTransport transport) {
        URI base = settings.baseUrl();
        this.host = base.getHost();
        boolean tls = base.getScheme().equals("https");
        this.port = base.getPort() >= 0 ? base.getPort() : tls ? 443 : 80;
        // One TLS context for every connection: it reads the CA bundle once and lets connections resume sessions.
        SSLContext tlsContext = tls ? settings.tls().sslContext() : null;
        boolean verify = settings.tls().verify();
        int connectMillis = (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis());
        this.makeBootstrap = () -> transport.bootstrap()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.attr(HANDLER).set(new Handler());
                        if (tls) {
                            SslHandler ssl = new SslHandler(engine(tlsContext, verify));
                            ssl.setHandshakeTimeoutMillis(connectMillis);
                            channel.pipeline().addLast(ssl);
                        }
                        channel.pipeline().addLast(new HttpClientCodec(new HttpDecoderConfig()
                                        .setMaxHeaderSize(MAX_HEADER_BYTES).setMaxChunkSize(MAX_PIECE_BYTES),
                                HttpClientCodec.DEFAULT_PARSE_HTTP_AFTER_CONNECT_REQUEST,
                                HttpClientCodec.DEFAULT_FAIL_ON_MISSING_RESPONSE), channel.attr(HANDLER).get());
                    }
                });
    }

    /**
     * A connection for one exchange, with the exchange attached: an idle one, or a new one, connected (and its TLS
     * handshake done) on the calling thread's time.
     */
    UpstreamExchange begin() throws IOException {
        Channel channel;
        while ((channel = idle.pollFirst()) != null) {
            UpstreamExchange exchange = attach(channel);
            if (channel.isActive()) {
                // Active after the exchange was attached: a close from now on reaches it as channelInactive.
                return exchange;
            }
            handler(channel).current = null;   // closed by the upstream while idle
        }
        return attach(connect());
    }

    private static UpstreamExchange attach(Channel channel) {
        UpstreamExchange exchange = new UpstreamExchange(channel);
        handler(channel).current = exchange;
        return exchange;
    }

    private static Handler handler(Channel channel) {
        return channel.attr(HANDLER).get();
    }

    /** Ends an exchange: its connection goes back to the pool when it can carry another request, else it closes. */
    void end(UpstreamExchange exchange, boolean reusable) {
        Channel channel = exchange.channel();
        handler(channel).current = null;
        if (reusable && !closed) {
            idle.addFirst(channel);
            if (closed && idle.remove(channel)) {   // the pool closed meanwhile
                channel.close();
            }
            return;
        }
        channel.close();
        try {
            // A read the loop was part-way through when the exchange was let go holds buffers only the loop may free.
            channel.eventLoop().execute(exchange::discard);
        } catch (RejectedExecutionException stopped) {
            // the loop has shut down, and its buffers with it
        }
    }

    private synchronized Bootstrap bootstrap() {
        if (bootstrap == null) {
            bootstrap = makeBootstrap.get();
        }
        return bootstrap;
    }

    private Channel connect() throws IOException {
        // Resolved here, on the request's thread: the event loop must never wait for DNS.
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new UnknownHostException(host);
        }
        ChannelFuture connecting = bootstrap().connect(address);
        Channel channel = connecting.channel();
        try {
            await(connecting);
            SslHandler ssl = channel.pipeline().get(SslHandler.class);
            if (ssl != null) {
                await(ssl.handshakeFuture());
            }
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        channel.closeFuture().addListener(f -> idle.remove(channel));
        return channel;
    }

    private SSLEngine engine(SSLContext context, boolean verify) {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        if (verify) {
            // tls_verify: false trusts any certificate (TlsVerify) and skips the host name check with it.
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(parameters);
        }
        return engine;
    }

    /** Waits for {@code future} on the calling thread without pinning a virtual thread; its failure is thrown. */
    static void await(Future<?> future) throws IOException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        future.addListener(f -> done.complete(null));
        waitFor(done::get);
        if (!future.isSuccess()) {
            throw UpstreamResponse.asIOException(future.cause());
        }
    }

    /** A wait that may be interrupted or fail. */
    @FunctionalInterface
    interface Wait<T> {
        T get() throws InterruptedException, ExecutionException;
    }

    /**
     * Runs a blocking wait; an interrupt ends it as an {@link InterruptedIOException} and stays set on the thread
     * (a deadline that fired clears it when it closes; anyone else's is the caller's to see).
     */
    static <T> T waitFor(Wait<T> wait) throws IOException {
        try {
            return wait.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the upstream");
        } catch (ExecutionException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Channel channel; (channel = idle.pollFirst()) != null; ) {
            channel.close();
        }
    }

    /** Passes each connection's events to the exchange it carries; bytes on an idle connection close it. */
    private static final class Handler extends ChannelInboundHandlerAdapter {
        private volatile UpstreamExchange current;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            UpstreamExchange exchange = current;
            if (exchange == null || !(message instanceof HttpObject part)) {
                ReferenceCountUtil.release(message);
                ctx.close();
                return;
            }
            exchange.received(part);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            UpstreamExchange exchange = current;
            if (exchange != null) {
                exchange.readComplete();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            UpstreamExchange exchange = current;
            if (exchange != null) {
                exchange.ended(null);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            UpstreamExchange exchange = current;
            if (exchange != null) {
                exchange.ended(UpstreamResponse.unwrap(cause));
            }
            ctx.close();
        }
    }
}
