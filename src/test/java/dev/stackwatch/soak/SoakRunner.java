package dev.stackwatch.soak;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Long-run check, started by {@code scripts/soak.sh} against a running server: sends a fixed rate of mixed traffic
 * (streams, whole answers, embeddings, listings, bad requests, clients that hang up mid-stream) while sampling the
 * server's heap after GC, threads, descriptors and connections, and exits 1 if any of them trends upward.
 */
public final class SoakRunner {
    private static final String CHAT = "{\"model\":\"sim-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"soak\"}]";

    private final HttpClient http;
    private final URI base;
    private final String token;
    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final int maxInFlight;

    private SoakRunner(URI base, String token, ExecutorService executor, int maxInFlight) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.base = base;
        this.token = token;
        this.maxInFlight = maxInFlight;
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = args(argv);
        long pid = Long.parseLong(a.get("pid"));
        int port = Integer.parseInt(a.get("port"));
        Duration duration = Duration.ofSeconds(Long.parseLong(a.getOrDefault("duration-s", "600")));
        double rate = Double.parseDouble(a.getOrDefault("rate", "40"));
        Duration every = Duration.ofSeconds(Long.parseLong(a.getOrDefault("sample-s", "5")));
        Path out = Path.of(a.getOrDefault("out", "target/soak"));
        Files.createDirectories(out);

        ProcessSampler sampler = new ProcessSampler(pid, port);
        List<ProcessSampler.Sample> samples = new ArrayList<>();
        try (ExecutorService vt = Executors.newVirtualThreadPerTaskExecutor();
             ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
             PrintStream csv = new PrintStream(Files.newOutputStream(out.resolve("samples.csv")))) {
            SoakRunner runner = new SoakRunner(URI.create("http://127.0.0.1:" + port), System.getenv("SOAK_TOKEN"), vt,
                    (int) Math.max(100, rate * 30));
            AtomicLong n = new AtomicLong();
            long periodMicros = (long) (1_000_000 / rate);
            ticks.scheduleAtFixedRate(() -> runner.launch(vt, n.getAndIncrement()), 0, periodMicros,
                    TimeUnit.MICROSECONDS);
            long start = System.currentTimeMillis();
            csv.println(ProcessSampler.Sample.header());
            while (System.currentTimeMillis() - start < duration.toMillis()) {
                ProcessSampler.Sample s = sampler.sample();
                samples.add(s);
                csv.println(s.csv(start));
                csv.flush();
                Thread.sleep(every.toMillis()); // pacing of the sampler, not synchronisation
            }
            ticks.shutdownNow();
            System.out.println("requests by outcome: " + new TreeMap<>(runner.outcomes));
        }
        List<Trend> trends = List.of(
                Trend.of("heap_after_gc_mb", samples, ProcessSampler.Sample::heapMb, 32),
                Trend.of("threads", samples, ProcessSampler.Sample::threads, 20),
                Trend.of("fds", samples, ProcessSampler.Sample::fds, 50),
                Trend.of("connections", samples, ProcessSampler.Sample::connections, 50));
        boolean rising = false;
        for (Trend t : trends) {
            System.out.printf("%-18s first=%-9.1f last=%-9.1f slope/min=%-9.3f projected growth over 2nd half=%-9.2f "
                            + "allowed=%-6.0f %s%n", t.name(), value(samples.getFirst(), t.name()),
                    value(samples.getLast(), t.name()), t.slopePerMinute(), t.projectedGrowth(), t.allowed(),
                    t.rising() ? "RISING" : "flat");
            rising |= t.rising();
        }
        System.out.println(samples.size() + " samples in " + out.resolve("samples.csv"));
        System.out.println(rising ? "SOAK FAILED: a resource trends upward" : "SOAK PASSED");
        System.exit(rising ? 1 : 0);
    }

    private static double value(ProcessSampler.Sample s, String name) {
        return switch (name) {
            case "heap_after_gc_mb" -> s.heapMb();
            case "threads" -> s.threads();
            case "fds" -> s.fds();
            default -> s.connections();
        };
    }

    /** One request of the mix, chosen by sequence number so the mix is exact at any rate. */
    private void launch(ExecutorService vt, long i) {
        if (inFlight.get() >= maxInFlight) {
            count("skipped (server too slow)");
            return;
        }
        inFlight.incrementAndGet();
        vt.execute(() -> {
            try {
                switch ((int) (i % 20)) {
                    case 0, 1, 2, 3, 4, 5, 6 -> send("stream", post("/v1/chat/completions",
                            CHAT + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}"));
                    case 7, 8, 9 -> send("chat", post("/v1/chat/completions", CHAT + "}"));
                    case 10, 11 -> send("completion", post("/v1/completions",
                            "{\"model\":\"sim-chat\",\"prompt\":\"soak\",\"max_tokens\":16}"));
                    case 12, 13 -> send("embeddings", post("/v1/embeddings", "{\"model\":\"sim-embed\",\"input\":[\"a\",\"b\"]}"));
                    case 14, 15 -> send("models", request("/v1/models").GET().build());
                    case 16 -> send("bad_json", post("/v1/chat/completions", "{\"model\":"));
                    case 17 -> send("unknown_model", post("/v1/chat/completions", CHAT.replace("sim-chat", "nope") + "}"));
                    case 18 -> send("no_key", HttpRequest.newBuilder(base.resolve("/v1/models")).GET().build());
                    default -> hangUpMidStream();
                }
            } catch (IOException | RuntimeException e) {
                count("client error " + e.getClass().getSimpleName());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
            }
        });
    }

    private void send(String kind, HttpRequest req) throws IOException, InterruptedException {
        HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
        count(kind + " " + res.statusCode());
    }

    /** A client that reads the first bytes of a stream and goes away: the server must notice and free everything. */
    private void hangUpMidStream() throws IOException, InterruptedException {
        HttpResponse<InputStream> res = http.send(post("/v1/chat/completions", CHAT + ",\"stream\":true}"),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = res.body()) {
            in.readNBytes(16);
        }
        count("hang_up " + res.statusCode());
    }

    private HttpRequest post(String path, String body) {
        return request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    private void count(String outcome) {
        outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    }

    static Map<String, String> args(String[] argv) {
        Map<String, String> a = new TreeMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            a.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        return a;
    }
}
