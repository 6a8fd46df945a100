package dev.stackwatch.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.testing.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default store, in one process, holds the same limits exactly as Redis does across replicas. */
class MemoryQuotaTest {
    private static final String ADMIN = "admin-token-0123456789abcdef";

    @Test
    void requestsPerMinuteHoldExactly() throws Exception {
        try (StackwatchServer server = TestServers.start(QuotaChecks.config("store: {type: memory}"))) {
            QuotaChecks.requestsPerMinuteHoldExactly(List.of(QuotaChecks.Replica.of(server)));
        }
    }

    @Test
    void tokensPerMinuteHoldWithStreamsAndSpendIsPriceTimesTokens() throws Exception {
        try (StackwatchServer server = TestServers.start(QuotaChecks.config("store: {type: memory}"))) {
            QuotaChecks.tokensPerMinuteHoldWithStreams(List.of(QuotaChecks.Replica.of(server)));
            // The console's top keys and /usage rank the spending key first, with the spend the metrics hold.
            double spend = QuotaChecks.sum(List.of(QuotaChecks.Replica.of(server)), "llamastack_spend_total", java.util.Map.of("key", "tpm"));
            JsonNode top = get(server, "/console/data").path("state").path("top_keys").get(0);
            assertEquals("tpm", top.path("key").asText(), top.toString());
            assertEquals(spend, top.path("spend").asDouble(), 1e-12);
            JsonNode first = get(server, "/usage").path("keys").get(0);
            assertEquals("tpm", first.path("key").asText());
            assertEquals(spend, first.path("spend").asDouble(), 1e-12);
            assertEquals("EUR", get(server, "/usage").path("currency").asText());
        }
    }

    /** A request refused before any provider runs (unknown model) gives its reserved tokens back. */
    @Test
    void aRequestThatNeverReachesAModelGivesItsReservationBack() throws Exception {
        try (StackwatchServer server = TestServers.start(QuotaChecks.config("store: {type: memory}"));
             HttpClient http = HttpClient.newHttpClient()) {
            QuotaChecks.awaitRoomInThisMinute();
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                            + "/v1/chat/completions")).header("Authorization", "Bearer " + QuotaChecks.TPM_TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"no-such-model\",\"messages\":"
                            + "[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, res.statusCode(), res.body());
            assertEquals(Integer.toString(QuotaChecks.TPM - QuotaChecks.RESERVE),
                    QuotaChecks.header(res, "x-ratelimit-remaining-tokens"), "reserved while it ran");
            JsonNode tpm = QuotaChecks.usage(QuotaChecks.Replica.of(server), "tpm").path("quotas").get(0);
            assertEquals("tokens_per_minute", tpm.path("quota").asText(), tpm.toString());
            assertEquals(0, tpm.path("used").asLong(), "given back: " + tpm);
        }
    }

    /** The tenant header labels usage with configured values only: anything else is other, no header none. */
    @Test
    void tenantHeaderLabelsUsageWithinABoundedSet() throws Exception {
        try (StackwatchServer server = TestServers.start(QuotaChecks.config("store: {type: memory}"));
             HttpClient http = HttpClient.newHttpClient()) {
            for (String tenant : new String[] {"research", "research", "customer-4711", null}) {
                HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                                + "/v1/chat/completions")).header("Authorization", "Bearer " + QuotaChecks.OPEN_TOKEN)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"sim-chat\",\"max_tokens\":4,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
                if (tenant != null) {
                    req.header("X-Tenant", tenant);
                }
                assertEquals(200, http.send(req.build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            }
            List<QuotaChecks.Replica> one = List.of(QuotaChecks.Replica.of(server));
            java.util.Map<String, String> open = java.util.Map.of("key", "open", "model", "sim-chat");
            assertEquals(2, QuotaChecks.sum(one, "llamastack_key_requests_total", with(open, "tenant", "research")), 0.0);
            assertEquals(1, QuotaChecks.sum(one, "llamastack_key_requests_total", with(open, "tenant", "other")), 0.0);
            assertEquals(1, QuotaChecks.sum(one, "llamastack_key_requests_total", with(open, "tenant", "none")), 0.0);
            assertEquals(0, QuotaChecks.sum(one, "llamastack_key_requests_total", with(open, "tenant", "customer-4711")),
                    0.0, "an unconfigured value never becomes a label");
            assertEquals(true, QuotaChecks.sum(one, "llamastack_spend_total", with(open, "tenant", "research")) > 0);
        }
    }

    private static java.util.Map<String, String> with(java.util.Map<String, String> labels, String name, String value) {
        java.util.Map<String, String> all = new java.util.HashMap<>(labels);
        all.put(name, value);
        return all;
    }

    @Test
    void usageNeedsTheAdminTokenWhenOneIsSet() throws Exception {
        String config = QuotaChecks.config("store: {type: memory}").replace("server:\n",
                "server:\n  management: {admin_token: " + ADMIN + "}\n");
        try (StackwatchServer server = TestServers.start(config);
             HttpClient http = HttpClient.newHttpClient()) {
            URI usage = URI.create("http://127.0.0.1:" + server.managementPort() + "/usage");
            assertEquals(401, http.send(HttpRequest.newBuilder(usage).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode(), "loopback is not enough once a token is set");
            assertEquals(200, http.send(HttpRequest.newBuilder(usage).header("Authorization", "Bearer " + ADMIN).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    private static JsonNode get(StackwatchServer server, String path) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.managementPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode(), res.body());
            return new ObjectMapper().readTree(res.body());
        }
    }
}
