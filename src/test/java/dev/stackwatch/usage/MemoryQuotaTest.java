package dev.stackwatch.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.testing.Http;
import dev.stackwatch.testing.RunningServer;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The default store, in one process, holds the same limits exactly as Redis does across replicas. */
class MemoryQuotaTest {
    private static final String ADMIN = "admin-token-0123456789abcdef";

    @Test
    void requestsPerMinuteHoldExactly() throws Exception {
        try (RunningServer server = RunningServer.start(QuotaChecks.config("store: {type: memory}"))) {
            QuotaChecks.requestsPerMinuteHoldExactly(List.of(QuotaChecks.Replica.of(server.get())));
        }
    }

    @Test
    void tokensPerMinuteHoldWithStreamsAndSpendIsPriceTimesTokens() throws Exception {
        try (RunningServer server = RunningServer.start(QuotaChecks.config("store: {type: memory}"))) {
            QuotaChecks.tokensPerMinuteHoldWithStreams(List.of(QuotaChecks.Replica.of(server.get())));
            // The console's top keys and /usage rank the spending key first, with the spend the metrics hold.
            double spend = QuotaChecks.sum(List.of(QuotaChecks.Replica.of(server.get())), "llamastack_spend_total", Map.of("key", "tpm"));
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
        try (RunningServer server = RunningServer.start(QuotaChecks.config("store: {type: memory}"))) {
            QuotaChecks.awaitRoomInThisMinute();
            HttpResponse<String> res = server.api().post("/v1/chat/completions", "{\"model\":\"no-such-model\","
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", Http.bearer(QuotaChecks.TPM_TOKEN));
            assertEquals(404, res.statusCode(), res.body());
            assertEquals(Integer.toString(QuotaChecks.TPM - QuotaChecks.RESERVE),
                    QuotaChecks.header(res, "x-ratelimit-remaining-tokens"), "reserved while it ran");
            JsonNode tpm = QuotaChecks.usage(QuotaChecks.Replica.of(server.get()), "tpm").path("quotas").get(0);
            assertEquals("tokens_per_minute", tpm.path("quota").asText(), tpm.toString());
            assertEquals(0, tpm.path("used").asLong(), "given back: " + tpm);
        }
    }

    /** The tenant header labels usage with configured values only: anything else is other, no header none. */
    @Test
    void tenantHeaderLabelsUsageWithinABoundedSet() throws Exception {
        try (RunningServer server = RunningServer.start(QuotaChecks.config("store: {type: memory}"))) {
            for (String tenant : new String[] {"research", "research", "customer-4711", null}) {
                Map<String, String> headers = new HashMap<>(Http.bearer(QuotaChecks.OPEN_TOKEN));
                if (tenant != null) {
                    headers.put("X-Tenant", tenant);
                }
                assertEquals(200, server.api().post("/v1/chat/completions", "{\"model\":\"sim-chat\",\"max_tokens\":4,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", headers).statusCode());
            }
            List<QuotaChecks.Replica> one = List.of(QuotaChecks.Replica.of(server.get()));
            Map<String, String> open = Map.of("key", "open", "model", "sim-chat");
            assertEquals(2, QuotaChecks.sum(one, "llamastack_key_requests_total", with(open, "tenant", "research")), 0.0);
            assertEquals(1, QuotaChecks.sum(one, "llamastack_key_requests_total", with(open, "tenant", "other")), 0.0);
            assertEquals(1, QuotaChecks.sum(one, "llamastack_key_requests_total", with(open, "tenant", "none")), 0.0);
            assertEquals(0, QuotaChecks.sum(one, "llamastack_key_requests_total", with(open, "tenant", "customer-4711")),
                    0.0, "an unconfigured value never becomes a label");
            assertEquals(true, QuotaChecks.sum(one, "llamastack_spend_total", with(open, "tenant", "research")) > 0);
        }
    }

    private static Map<String, String> with(Map<String, String> labels, String name, String value) {
        Map<String, String> all = new HashMap<>(labels);
        all.put(name, value);
        return all;
    }

    @Test
    void usageNeedsTheAdminTokenWhenOneIsSet() throws Exception {
        String config = QuotaChecks.config("store: {type: memory}").replace("server:\n",
                "server:\n  management: {admin_token: " + ADMIN + "}\n");
        try (RunningServer server = RunningServer.start(config)) {
            assertEquals(401, server.management().get("/usage").statusCode(),
                    "loopback is not enough once a token is set");
            assertEquals(200, server.management().get("/usage", Http.bearer(ADMIN)).statusCode());
        }
    }

    private static JsonNode get(RunningServer server, String path) throws Exception {
        HttpResponse<String> res = server.management().get(path);
        assertEquals(200, res.statusCode(), res.body());
        return new ObjectMapper().readTree(res.body());
    }
}
