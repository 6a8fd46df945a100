package dev.stackwatch.soak;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens N streaming chat completions against a server whose simulator waits minutes between tokens, waits for each
 * stream's first event so every one is really being served, then measures the server (heap after GC, RSS, threads,
 * descriptors, connections) against its idle baseline. Started by {@code scripts/idle-streams.sh}.
 */
public final class IdleStreams {
    private static final int CONNECTING_AT_ONCE = 200;

    private IdleStreams() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = SoakRunner.args(argv);
        long pid = Long.parseLong(a.get("pid"));
        int port = Integer.parseInt(a.get("port"));
        int streams = Integer.parseInt(a.getOrDefault("streams", "10000"));
        ProcessSampler sampler = new ProcessSampler(pid, port);

        ProcessSampler.Sample idle = sampler.sample();
        double idleRss = sampler.rssMb();
        ConcurrentLinkedQueue<Socket> open = new ConcurrentLinkedQueue<>();
        AtomicInteger failed = new AtomicInteger();
        Semaphore connecting = new Semaphore(CONNECTING_AT_ONCE);
        long start = System.nanoTime();
        try (ExecutorService vt = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < streams; i++) {
                connecting.acquire();
                vt.execute(() -> {
                    try {
                        open.add(openStream(port));
                    } catch (IOException | RuntimeException e) {
                        if (failed.incrementAndGet() <= 3) {
                            System.err.println("stream failed: " + e);
                        }
                    } finally {
                        connecting.release();
                    }
                });
            }
        }
        double openSeconds = (System.nanoTime() - start) / 1e9;
        ProcessSampler.Sample held = sampler.sample();
        double heldRss = sampler.rssMb();
        String histogram = sampler.histogram(18);
        int n = open.size();
        for (Socket s : open) {
            s.close();
        }
        ProcessSampler.Sample after = sampler.sample();

        System.out.printf(Locale.ROOT, "streams open: %d of %d (%d failed) in %.1f s%n", n, streams, failed.get(),
                openSeconds);
        for (var row : List.of(List.of("idle", idle), List.of("holding", held), List.of("after close", after))) {
            ProcessSampler.Sample s = (ProcessSampler.Sample) row.get(1);
            System.out.printf(Locale.ROOT, "%-12s heap after GC %8.1f MB, threads %5d, fds %6d, connections %6d%n",
                    row.get(0), s.heapMb(), s.threads(), s.fds(), s.connections());
        }
        System.out.printf(Locale.ROOT, "RSS idle %.1f MB, holding %.1f MB%n", idleRss, heldRss);
        System.out.printf(Locale.ROOT, "per stream: %.1f KB heap after GC, %.1f KB RSS%n",
                (held.heapMb() - idle.heapMb()) * 1024 / Math.max(1, n), (heldRss - idleRss) * 1024 / Math.max(1, n));
        System.out.print("largest classes while holding:\n" + histogram);
        System.exit(n == streams ? 0 : 1);
    }

    /** Sends a streaming request and returns once its first event has arrived; the socket stays open. */
    private static Socket openStream(int port) throws IOException {
        String body = "{\"model\":\"sim-chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hold\"}]}";
        Socket socket = new Socket("127.0.0.1", port);
        try {
            socket.setSoTimeout(120_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.UTF_8), 512);
            String line;
            while ((line = in.readLine()) != null && !line.startsWith("data: ")) {
                if (line.startsWith("HTTP/1.1 ") && !line.startsWith("HTTP/1.1 200")) {
                    throw new IOException("refused: " + line);
                }
            }
            if (line == null) {
                throw new IOException("closed before the first event");
            }
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}
