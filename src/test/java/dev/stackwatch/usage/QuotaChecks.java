package dev.stackwatch.usage;

import static dev.stackwatch.testing.ApiAssertions.assertErrorShape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.testing.ServerProcess;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.Scrape;
import dev.stackwatch.testing.SseEvents;
import dev.stackwatch.testing.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The quota behaviour every store must show, run against one server (memory store) or several sharing one Redis:
 * requests are spread round-robin over {@code servers} and fired all at once.
 */
final class QuotaChecks {
    static final String RPM_TOKEN = "rpm-token-0123456789abcdef";
    static final String TPM_TOKEN = "tpm-token-0123456789abcdef";
    static final String OPEN_TOKEN = "open-token-0123456789abcdef";
    static final int RPM = 60;
    static final int TPM = 3_000;
    static final int RESERVE = 100;
    static final double INPUT_PRICE = 2.0;
    static final double OUTPUT_PRICE = 10.0;
    private static final ObjectMapper JSON = new ObjectMapper();

    private QuotaChecks() {
    }

    /** One Stackwatch replica, in this JVM or its own process: where its API and management ports are. */
    record Replica(int port, int managementPort) {
        static Replica of(StackwatchServer server) {
            return new Replica(server.port(), server.managementPort());
        }

        static Replica of(ServerProcess process) {
            return new Replica(process.port(), process.managementPort());
        }
    }

    /** The test config: keys {@code rpm} (60 requests/minute), {@code tpm} (3000 tokens/minute), {@code open}. */
    static String config(String store) {
        return TestServers.FAST_SIMULATOR + """
                server:
                  auth:
                    api_keys:
                    - {name: rpm, token: %s}
                    - {name: tpm, token: %s}
                    - {name: open, token: %s}
                  usage:
                    currency: EUR
                    reserve_tokens: %d
                    tenant: {header: X-Tenant, values: [research, support]}
                    prices:
                      sim-chat: {input_per_million: %s, output_per_million: %s}
                    quotas:
                      rpm: {requests_per_minute: %d}
                      tpm: {tokens_per_minute: %d, spend_per_month: 1000}
                %s
                """.formatted(RPM_TOKEN, TPM_TOKEN, OPEN_TOKEN, RESERVE, INPUT_PRICE, OUTPUT_PRICE, RPM, TPM,
                store.indent(4));
    }

    /** 100 requests at once for a key allowed 60 a minute: exactly 60 answered, 40 refused, all with the headers. */
    static void requestsPerMinuteHoldExactly(List<Replica> servers) throws Exception {
        awaitRoomInThisMinute();
        List<HttpResponse<String>> answers = fire(servers, 100, RPM_TOKEN, false);
        List<HttpResponse<String>> ok = answers.stream().filter(r -> r.statusCode() == 200).toList();
        List<HttpResponse<String>> refused = answers.stream().filter(r -> r.statusCode() == 429).toList();
        assertEquals(RPM, ok.size(), "accepted across " + servers.size() + " server(s)");
        assertEquals(100 - RPM, refused.size(), "everything else is refused");
        for (HttpResponse<String> r : answers) {
            assertEquals(Integer.toString(RPM), header(r, "x-ratelimit-limit-requests"));
            assertTrue(header(r, "x-ratelimit-reset-requests").matches("\\d+s"), header(r, "x-ratelimit-reset-requests"));
        }
        List<String> remaining = ok.stream().map(r -> header(r, "x-ratelimit-remaining-requests")).sorted().toList();
        assertEquals(RPM, remaining.stream().distinct().count(), "each admitted request saw its own count: " + remaining);
        for (HttpResponse<String> r : refused) {
            assertErrorShape(r, 429, "rate_limit_exceeded");
            assertEquals("0", header(r, "x-ratelimit-remaining-requests"));
            long retry = Long.parseLong(header(r, "Retry-After"));
            assertTrue(retry >= 1 && retry <= 60, "Retry-After " + retry);
        }
        assertEquals(100 - RPM, sum(servers, "llamastack_quota_refusals_total",
                Map.of("key", "rpm", "reason", "requests_per_minute")), 0.0);
        assertEquals(RPM, sum(servers, "llamastack_key_requests_total", Map.of("key", "rpm", "model", "sim-chat")),
                0.0, "admitted requests counted by key");
        // A key without quotas is never refused and gets no quota headers.
        HttpResponse<String> open = send(servers.getFirst(), OPEN_TOKEN, false);
        assertEquals(200, open.statusCode());
        assertTrue(open.headers().firstValue("x-ratelimit-limit-requests").isEmpty());
    }

    /**
     * Streams for a key allowed 3000 tokens a minute, each reserving 100: the tokens the clients saw never exceed the
     * limit, the store holds exactly what they saw once all settled, and spend is price times those tokens.
     */
    static void tokensPerMinuteHoldWithStreams(List<Replica> servers) throws Exception {
        awaitRoomInThisMinute();
        List<HttpResponse<String>> answers = fire(servers, 80, TPM_TOKEN, true);
        long input = 0;
        long output = 0;
        int accepted = 0;
        for (HttpResponse<String> r : answers) {
            assertEquals(Integer.toString(TPM), header(r, "x-ratelimit-limit-tokens"));
            if (r.statusCode() == 429) {
                assertErrorShape(r, 429, "rate_limit_exceeded");
                assertTrue(Long.parseLong(header(r, "x-ratelimit-remaining-tokens")) < RESERVE,
                        "refused only when a reservation no longer fits");
                assertTrue(Long.parseLong(header(r, "Retry-After")) >= 1);
                continue;
            }
            assertEquals(200, r.statusCode(), r.body());
            JsonNode usage = SseEvents.parse(r.body()).stream().filter(e -> e.path("usage").isObject())
                    .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no usage chunk: " + r.body()))
                    .path("usage");
            input += usage.path("prompt_tokens").asLong();
            output += usage.path("completion_tokens").asLong();
            accepted++;
        }
        long seen = input + output;
        assertTrue(accepted > 0 && accepted < answers.size(), accepted + " of " + answers.size() + " accepted");
        assertTrue(seen <= TPM, seen + " tokens seen must stay within " + TPM);
        assertEquals(answers.size() - accepted, sum(servers, "llamastack_quota_refusals_total",
                Map.of("key", "tpm", "reason", "tokens_per_minute")), 0.0);
        // Settled: the shared count is what the clients saw, not what was reserved.
        JsonNode quota = usage(servers.getFirst(), "tpm").path("quotas");
        JsonNode tpm = null;
        for (JsonNode q : quota) {
            if (q.path("quota").asText().equals("tokens_per_minute")) {
                tpm = q;
            }
        }
        assertEquals(seen, tpm.path("used").asLong(), "store count after settlement: " + quota);
        double expected = (input * INPUT_PRICE + output * OUTPUT_PRICE) / 1_000_000;
        assertEquals(expected, sum(servers, "llamastack_spend_total", Map.of("key", "tpm", "model", "sim-chat")),
                1e-12, "spend = price x tokens the clients saw");
        assertEquals(input, (long) sum(servers, "llamastack_key_tokens_total", Map.of("key", "tpm", "type", "input")));
        assertEquals(output, (long) sum(servers, "llamastack_key_tokens_total",
                Map.of("key", "tpm", "type", "output")));
    }

    /** The counters of one minute: a test that straddled two would see twice the limit. */
    static void awaitRoomInThisMinute() {
        if (Instant.now().getEpochSecond() % 60 > 40) {
            long minute = Instant.now().getEpochSecond() / 60;
            Polling.await(Duration.ofSeconds(25), "the next minute window",
                    () -> Instant.now().getEpochSecond() / 60 > minute);
        }
    }

    static List<HttpResponse<String>> fire(List<Replica> servers, int count, String token, boolean stream)
            throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Replica server = servers.get(i % servers.size());
                futures.add(pool.submit(() -> send(server, token, stream)));
            }
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (Future<HttpResponse<String>> f : futures) {
                answers.add(f.get());
            }
            return answers;
        }
    }

    static HttpResponse<String> send(Replica server, String token, boolean stream) throws Exception {
        String body = stream
                ? "{\"model\":\"sim-chat\",\"max_tokens\":40,\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"count to forty\"}]}"
                : "{\"model\":\"sim-chat\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                            + "/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    /** One key's entry in GET /usage (loopback needs no admin token). */
    static JsonNode usage(Replica server, String key) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.managementPort() + "/usage")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode(), res.body());
            for (JsonNode k : JSON.readTree(res.body()).path("keys")) {
                if (k.path("key").asText().equals(key)) {
                    return k;
                }
            }
            throw new AssertionError("no key " + key + " in " + res.body());
        }
    }

    static double sum(List<Replica> servers, String metric, Map<String, String> labels) {
        return servers.stream().mapToDouble(s -> Scrape.of(s.managementPort()).sum(metric, labels)).sum();
    }

    static String header(HttpResponse<String> r, String name) {
        return r.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name + " on "
                + r.statusCode() + " " + r.headers().map()));
    }
}
