package dev.stackwatch.console;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** Background chat traffic for the console tests: a few virtual threads sending streamed requests until closed. */
final class TrafficLoop implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Thread> threads = new ArrayList<>();

    /** {@code models} are requested in turn by each of {@code threads} senders. */
    TrafficLoop(int port, int senders, List<String> models) {
        URI url = URI.create("http://127.0.0.1:" + port + "/v1/chat/completions");
        for (int i = 0; i < senders; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int n = 0; running.get(); n++) {
                    String body = """
                            {"model":"%s","stream":true,"max_tokens":12,"messages":[{"role":"user","content":"hi"}]}
                            """.formatted(models.get(n % models.size()));
                    try {
                        http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                                HttpResponse.BodyHandlers.discarding());
                    } catch (java.io.IOException e) {
                        // the server is going away at the end of a test; the loop ends with it
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
    }

    @Override
    public void close() {
        running.set(false);
        try {
            for (Thread t : threads) {
                t.join(Duration.ofSeconds(30));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.close();
    }
}
