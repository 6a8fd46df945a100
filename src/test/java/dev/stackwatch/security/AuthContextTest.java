package dev.stackwatch.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.stackwatch.api.ApiErrors;
import dev.stackwatch.api.JsonResponses;
import dev.stackwatch.auth.AuthFilter;
import dev.stackwatch.config.security.ApiKey;
import dev.stackwatch.config.security.AuthConfig;
import dev.stackwatch.config.security.HashedToken;
import dev.stackwatch.exchange.Exchange;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.wire.Json;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the auth filter reports to the request's exchange for the filters around it: an outer filter (standing in for
 * metrics and access logs) sees the outcome after a 401 too, and the key's name, never the token, after a success.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthContextTest {
    private static final String TOKEN = "context-token-0123456789";
    private final Map<String, String> seen = new ConcurrentHashMap<>();
    private WebServer web;
    private HttpClient http;

    @BeforeAll
    void start() {
        HttpRouting.Builder routing = HttpRouting.builder();
        new ApiErrors(new JsonResponses(Json.newMapper()), () -> { }).register(routing);
        routing.addFilter(Exchange.filter());
        routing.addFilter((chain, req, res) -> {
            String id = req.headers().first(HeaderNames.create("X-Test-Id")).orElseThrow();
            try {
                chain.proceed();
            } finally {
                Exchange exchange = Exchange.of(req);
                seen.put(id, exchange.auth().map(Enum::name).orElse("none") + "/"
                        + exchange.keyName().orElse("none"));
            }
        });
        routing.addFilter(new AuthFilter(new AuthConfig(List.of(new ApiKey("ci", HashedToken.of(TOKEN))))));
        routing.get("/v1/models", (req, res) -> res.send("ok"));
        routing.get("/v1/health", (req, res) -> res.send("ok"));
        web = WebServer.builder().host("127.0.0.1").port(0).routing(routing).build().start();
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    void stop() {
        http.close();
        web.stop();
    }

    @Test
    void outcomeAndKeyNameAreInTheExchangeForOuterFilters() throws Exception {
        assertEquals(200, call("ok", "/v1/models", "Bearer " + TOKEN));
        assertEquals(401, call("missing", "/v1/models", null));
        assertEquals(401, call("wrong", "/v1/models", "Bearer nope-nope-nope-nope"));
        assertEquals(200, call("open", "/v1/health", null));
        assertEquals("ACCEPTED/ci", seenBy("ok"));
        assertEquals("MISSING/none", seenBy("missing"));
        assertEquals("REJECTED/none", seenBy("wrong"));
        assertEquals("OPEN_ROUTE/none", seenBy("open"));
    }

    /** The filter records after the response is written, so the client can be faster than the record. */
    private String seenBy(String id) {
        Polling.await(Duration.ofSeconds(5), "the outer filter to record " + id, () -> seen.containsKey(id));
        return seen.get(id);
    }

    private int call(String id, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + path))
                .header("X-Test-Id", id);
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
