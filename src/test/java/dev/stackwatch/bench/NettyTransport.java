package dev.stackwatch.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/** The benchmark relays' Netty transport: epoll where the platform has it, NIO elsewhere. */
record NettyTransport(boolean epoll) {
    static NettyTransport best() {
        return new NettyTransport(Epoll.isAvailable());
    }

    EventLoopGroup loops(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    Class<? extends ServerSocketChannel> serverChannel() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** A client for upstream connections on {@code loops}, Nagle off (streamed tokens are small writes). */
    Bootstrap client(EventLoopGroup loops, ChannelHandler handler) {
        Class<? extends SocketChannel> channel = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        return new Bootstrap().group(loops).channel(channel).option(ChannelOption.TCP_NODELAY, true).handler(handler);
    }

    @Override
    public String toString() {
        return epoll ? "epoll" : "nio";
    }
}
