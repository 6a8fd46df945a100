package dev.stackwatch.telemetry.metrics;

import io.helidon.common.socket.PlainSocket;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What watching a non-streamed request's client adds to it: starting the watch (one virtual thread that blocks in the
 * socket read), ending it, and the connection's next read handed over from that thread, against the same next read
 * made directly. Both read one byte the client sent over a loopback TCP connection.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ClientWatchBenchmark {
    private ServerSocket listener;
    private Socket client;
    private Socket accepted;
    private OutputStream clientOut;
    private WatchableSocket socket;
    private final Runnable gone = () -> { };

    @Setup
    public void connect() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        client.setTcpNoDelay(true);
        accepted = listener.accept();
        clientOut = client.getOutputStream();
        socket = new WatchableSocket(PlainSocket.server(accepted, "bench", "bench"));
    }

    @TearDown
    public void close() throws IOException {
        client.close();
        accepted.close();
        listener.close();
    }

    @Benchmark
    public byte[] nextReadUnwatched() throws IOException {
        clientOut.write('x');
        return socket.get();
    }

    @Benchmark
    public byte[] watchThenNextRead() throws IOException {
        socket.watch(gone).close();
        clientOut.write('x');
        return socket.get();
    }
}
