package dev.stackwatch.deploy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** A background loop of real API requests (load, not synchronisation: tests wait on what Prometheus sees). */
final class Traffic implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    final AtomicInteger sent = new AtomicInteger();

    /** Each round sends every body from {@code bodies} (path, JSON) to http://127.0.0.1:{port}. */
    Traffic(Supplier<Integer> port, Supplier<List<String[]>> bodies) {
        thread = Thread.ofVirtual().start(() -> {
            try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1)).build()) {
                while (running.get()) {
                    for (String[] b : bodies.get()) {
                        try {
                            client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.get() + b[0]))
                                    .timeout(Duration.ofSeconds(5))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(b[1])).build(), HttpResponse.BodyHandlers.discarding());
                            sent.incrementAndGet();
                        } catch (java.io.IOException e) {
                            // server stopped on purpose in some tests: keep trying
                            if (!running.get()) {
                                return;
                            }
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    // Pacing of the load (about 50 rounds/s at most), not synchronisation: keeps 2 shared cores usable.
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
                }
            }
        });
    }

    static String[] chat(String model, boolean stream) {
        return new String[] {"/v1/chat/completions", "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}"};
    }

    /** {@code POST /v1/responses}, served by a simulator acting as a distribution. */
    static String[] responses(String model, boolean stream) {
        return new String[] {"/v1/responses", "{\"model\":\"" + model + "\",\"stream\":" + stream
                + ",\"input\":\"hello\"}"};
    }

    static String[] embed(String model) {
        return new String[] {"/v1/embeddings", "{\"model\":\"" + model + "\",\"input\":\"hello\"}"};
    }

    @Override
    public void close() {
        running.set(false);
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
