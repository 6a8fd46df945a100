package dev.stackwatch.provider.http;

import dev.stackwatch.deadline.DeadlineTimer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The event loop every upstream connection's bytes move on (Netty: epoll where the platform has it, NIO elsewhere),
 * shared by all remote providers, and the timer for their reads. The loop starts when the first remote provider asks
 * for it, so a server on the built-in simulator alone never loads it.
 * <p>
 * Why an event loop under the blocking providers: it hands a request's thread everything one socket read brought at
 * once, so a streamed answer leaves in one write per read. HttpClient 5's body stream handed over one HTTP chunk at a
 * time and could not say whether the next was already there, so each token cost its own write and flush (issue 21).
 */
public final class UpstreamTransport implements AutoCloseable {
    /** The loop only decodes HTTP and moves bytes; the requests' own threads do the rest. */
    private static final int LOOP_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors() / 4);

    private final DeadlineTimer deadlines;
    private EventLoopGroup loops;
    private boolean epoll;
    private boolean closed;

    /** {@code deadlines} is shared and stays open when this closes. */
    public UpstreamTransport(DeadlineTimer deadlines) {
        this.deadlines = deadlines;
    }

    public DeadlineTimer deadlines() {
        return deadlines;
    }

    /** A client bootstrap on the shared loop, Nagle off (streamed tokens are small writes). */
    synchronized Bootstrap bootstrap() {
        if (closed) {
            throw new IllegalStateException("the upstream transport is closed");
        }
        if (loops == null) {
            epoll = Epoll.isAvailable();
            loops = new MultiThreadIoEventLoopGroup(LOOP_THREADS, new DefaultThreadFactory("upstream-io", true),
                    epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        }
        return new Bootstrap().group(loops)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true);
    }

    /** Whether the event loop has been set up, which the first connection of any provider does. */
    synchronized boolean started() {
        return loops != null;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (loops != null) {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
