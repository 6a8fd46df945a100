package dev.stackwatch.usage;

import static dev.stackwatch.testing.ApiAssertions.assertErrorShape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.RedisServer;
import dev.stackwatch.testing.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Stackwatch servers that share nothing but a real redis-server enforce one limit per key; when Redis dies or
 * hangs each failure mode does what docs/usage.md says within the configured timeout, and enforcement comes back
 * with Redis, without a restart.
 */
class RedisQuotaTest {
    private static final int TIMEOUT_MS = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private RedisServer redis;
    private StackwatchServer first;
    private StackwatchServer second;

    @BeforeEach
    void startRedis() {
        redis = new RedisServer(dir);
    }

    @AfterEach
    void stop() {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
        redis.close();
    }

    @Test
    void twoReplicasHoldOneRequestsPerMinuteLimit() throws Exception {
        startBoth("fail_open");
        QuotaChecks.requestsPerMinuteHoldExactly(List.of(replica(first), replica(second)));
    }

    @Test
    void twoReplicasHoldOneTokensPerMinuteLimitWithStreams() throws Exception {
        startBoth("fail_open");
        QuotaChecks.tokensPerMinuteHoldWithStreams(List.of(replica(first), replica(second)));
    }

    @Test
    void failOpenAdmitsUncheckedStaysReadyAndRecovers() throws Exception {
        startBoth("fail_open");
        assertTrue(QuotaChecks.send(replica(first), QuotaChecks.RPM_TOKEN, false).headers()
                .firstValue("x-ratelimit-remaining-requests").isPresent(), "enforced while Redis is up");

        redis.freeze(true);
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> res = timed(() -> QuotaChecks.send(replica(first), QuotaChecks.RPM_TOKEN, false));
            assertEquals(200, res.statusCode(), "fail_open admits: " + res.body());
            assertTrue(res.headers().firstValue("x-ratelimit-remaining-requests").isEmpty(), "unchecked: no headers");
        }
        redis.freeze(false);
        redis.kill();
        HttpResponse<String> whileDead = timed(() -> QuotaChecks.send(replica(second), QuotaChecks.RPM_TOKEN, false));
        assertEquals(200, whileDead.statusCode());
        assertTrue(QuotaChecks.sum(List.of(replica(first), replica(second)), "llamastack_quota_store_errors_total",
                Map.of("operation", "admit")) >= 2, "errors counted");
        assertEquals(0, QuotaChecks.sum(List.of(replica(first)), "llamastack_quota_store_up", Map.of()), 0.0);
        JsonNode ready = ready(first, 200);
        assertEquals("warn", check(ready, "quota_store").path("status").asText(), ready.toString());

        redis.start();
        assertEnforcedAgain(first);
        assertEquals("pass", check(ready(first, 200), "quota_store").path("status").asText());
        assertEquals(1, QuotaChecks.sum(List.of(replica(first)), "llamastack_quota_store_up", Map.of()), 0.0);
    }

    @Test
    void failClosedRefusesWith503AndRecovers() throws Exception {
        startBoth("fail_closed");
        redis.kill();
        HttpResponse<String> refused = timed(() -> QuotaChecks.send(replica(first), QuotaChecks.RPM_TOKEN, false));
        assertErrorShape(refused, 503, "quota_store_unavailable");
        assertTrue(refused.headers().firstValue("Retry-After").isPresent());
        // Unlimited keys need no store: they are still served.
        assertEquals(200, QuotaChecks.send(replica(first), QuotaChecks.OPEN_TOKEN, false).statusCode());
        assertEquals(1, QuotaChecks.sum(List.of(replica(first)), "llamastack_quota_refusals_total",
                Map.of("key", "rpm", "reason", "store_unavailable")), 0.0);
        assertEquals("fail", check(ready(first, 503), "quota_store").path("status").asText());

        redis.freeze(false);
        redis.start();
        assertEnforcedAgain(first);
        ready(first, 200);
    }

    /** Within the store's one-second retry, requests are checked against Redis again. */
    private void assertEnforcedAgain(StackwatchServer server) {
        Polling.await(Duration.ofSeconds(10), "quota headers again after Redis came back", () -> {
            try {
                HttpResponse<String> res = QuotaChecks.send(replica(server), QuotaChecks.RPM_TOKEN, false);
                return res.statusCode() == 200 && res.headers().firstValue("x-ratelimit-remaining-requests").isPresent();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static QuotaChecks.Replica replica(StackwatchServer server) {
        return QuotaChecks.Replica.of(server);
    }

    private interface Call {
        HttpResponse<String> send() throws Exception;
    }

    /** The simulator answers in milliseconds; a lost Redis may add at most the configured timeout. */
    private static HttpResponse<String> timed(Call call) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> res = call.send();
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < TIMEOUT_MS + 1200, "request took " + ms + " ms with a " + TIMEOUT_MS + " ms store timeout");
        return res;
    }

    private void startBoth(String mode) {
        String store = """
                store: {type: redis, url: "%s", timeout_ms: %d, on_unavailable: %s}
                """.formatted(redis.url(), TIMEOUT_MS, mode);
        first = TestServers.start(QuotaChecks.config(store));
        second = TestServers.start(QuotaChecks.config(store));
    }

    private static JsonNode ready(StackwatchServer server, int status) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.managementPort() + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(status, res.statusCode(), res.body());
            return JSON.readTree(res.body());
        }
    }

    private static JsonNode check(JsonNode report, String name) {
        for (JsonNode c : report.path("checks")) {
            if (c.path("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no check " + name + " in " + report);
    }
}
