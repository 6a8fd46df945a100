package dev.stackwatch.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on 127.0.0.1 that passes every chunk a client sends on to the target {@code delay} after it arrived
 * (in order, not one delay after another), like a long network path or a queue in front of the server: the client's
 * clock runs while the server's has not started.
 */
public final class DelayingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    public DelayingProxy(int targetPort, Duration delay) {
        try {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    Socket client = listener.accept();
                    Socket server = new Socket();
                    server.setTcpNoDelay(true);
                    client.setTcpNoDelay(true);
                    server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
                    sockets.add(client);
                    sockets.add(server);
                    Thread.ofVirtual().start(() -> delayed(client, server, delay));
                    Thread.ofVirtual().start(() -> pump(server, client));
                }
            } catch (IOException closed) {
                // the proxy is closed
            }
        });
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** One chunk read from the client and when it is due at the target. */
    private record Chunk(long dueNanos, byte[] bytes) {}

    private static void delayed(Socket from, Socket to, Duration delay) {
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        Thread writer = Thread.ofVirtual().start(() -> {
            try (OutputStream out = to.getOutputStream()) {
                for (Chunk c = queue.take(); c.bytes().length > 0; c = queue.take()) {
                    long wait = c.dueNanos() - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(Duration.ofNanos(wait));
                    }
                    out.write(c.bytes());
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // either side closed
            } finally {
                close(to);
            }
        });
        byte[] buffer = new byte[16384];
        try (InputStream in = from.getInputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                queue.add(new Chunk(System.nanoTime() + delay.toNanos(), Arrays.copyOf(buffer, n)));
            }
        } catch (IOException e) {
            // either side closed
        } finally {
            queue.add(new Chunk(0, new byte[0]));
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // either side closed
        } finally {
            close(from);
            close(to);
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        sockets.forEach(DelayingProxy::close);
    }
}
