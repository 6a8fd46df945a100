package dev.stackwatch.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.testing.Http;
import dev.stackwatch.testing.Polling;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The exchange's promises: each fact is recorded once (the first report wins, the route excepted, which the handler
 * may refine), facts are read back as the values reported, and one request has one exchange from the outermost filter
 * to its handler, which the filters around the handler read after it returns.
 */
class ExchangeTest {
    private static final InferenceFacts FACTS = new InferenceFacts("sim-chat", "simulator", true, 12, 34, 1_000L,
            "stop", null, null, null);

    @Test
    void eachFactIsRecordedOnceAndReadBackAsItsValue() {
        Exchange exchange = Exchange.detached();
        List<String> settled = new ArrayList<>();
        exchange.authDecided(AuthOutcome.ACCEPTED);
        exchange.authDecided(AuthOutcome.REJECTED);
        exchange.keyIdentified("ops");
        exchange.keyIdentified("other");
        exchange.tenantNamed("team-a");
        exchange.tenantNamed("team-b");
        exchange.quotaReserved((tokens, cost) -> settled.add("first " + tokens + " " + cost));
        exchange.quotaReserved((tokens, cost) -> settled.add("second " + tokens + " " + cost));
        exchange.refused(LimitRefusal.RATE);
        exchange.refused(LimitRefusal.CONCURRENCY);
        exchange.abandoned(499);
        exchange.abandoned(408);
        exchange.inferenceFinished(FACTS);
        exchange.inferenceFinished(new InferenceFacts("other", "other", false, null, null, null, null, "cancelled",
                null, null));

        assertEquals(Optional.of(AuthOutcome.ACCEPTED), exchange.auth());
        assertEquals(Optional.of("ops"), exchange.keyName());
        assertEquals(Optional.of("team-a"), exchange.tenant());
        assertEquals(Optional.of(LimitRefusal.RATE), exchange.refusal());
        assertEquals(OptionalInt.of(499), exchange.abandonedStatus());
        assertEquals(Optional.of(FACTS), exchange.inference());
        exchange.quota().orElseThrow().settle(46, 0.5);
        assertEquals(List.of("first 46 0.5"), settled);
    }

    @Test
    void theHandlersRouteRefinesTheLabelFiltersAndNothingReportedReadsEmpty() {
        Exchange exchange = Exchange.detached();
        assertEquals(Optional.empty(), exchange.route());
        assertEquals(Optional.empty(), exchange.auth());
        assertEquals(Optional.empty(), exchange.keyName());
        assertEquals(Optional.empty(), exchange.quota());
        assertEquals(Optional.empty(), exchange.refusal());
        assertEquals(OptionalInt.empty(), exchange.abandonedStatus());
        assertEquals(Optional.empty(), exchange.inference());
        exchange.routeMatched("/v1/models/{model_id}");
        exchange.routeMatched("/v1/models");
        assertEquals(Optional.of("/v1/models"), exchange.route());
    }

    @Test
    void theAdmissionStepRunsWhenTheBodyIsReadAndItsRefusalReachesTheCaller() {
        Exchange exchange = Exchange.detached();
        exchange.bodyRead(); // no step given: nothing to run
        List<String> ran = new ArrayList<>();
        exchange.admitAfterBody(() -> {
            ran.add("admit");
            exchange.refused(LimitRefusal.CONCURRENCY);
            throw new IllegalStateException("busy");
        });
        exchange.admitAfterBody(() -> ran.add("a second step"));
        assertThrows(IllegalStateException.class, exchange::bodyRead);
        assertEquals(List.of("admit"), ran);
        assertEquals(Optional.of(LimitRefusal.CONCURRENCY), exchange.refusal());
    }

    /** A real server: the outer filter reads, after proceeding, what the handler reported to the same exchange. */
    @Test
    void oneRequestHasOneExchangeFromTheOutermostFilterToItsHandler() throws Exception {
        Map<String, String> seen = new ConcurrentHashMap<>();
        Map<String, Exchange> handled = new ConcurrentHashMap<>();
        HttpRouting.Builder routing = HttpRouting.builder()
                .addFilter(Exchange.filter())
                .addFilter((chain, req, res) -> {
                    String id = req.query().get("id");
                    long before = System.nanoTime();
                    chain.proceed();
                    Exchange exchange = Exchange.of(req);
                    seen.put(id, exchange.route().orElse("none") + " " + exchange.keyName().orElse("none") + " "
                            + exchange.inference().map(InferenceFacts::outputTokens).orElse(-1) + " "
                            + (exchange.arrivalNanos() <= before) + " " + (exchange == handled.get(id)));
                });
        routing.get("/v1/models", (req, res) -> {
            Exchange exchange = Exchange.of(req);
            handled.put(req.query().get("id"), exchange);
            exchange.routeMatched("/v1/models");
            if (req.query().get("id").equals("one")) {
                exchange.keyIdentified("ops");
                exchange.inferenceFinished(FACTS);
            }
            res.send("ok");
        });
        WebServer web = WebServer.builder().host("127.0.0.1").port(0).routing(routing).build().start();
        try (Http http = new Http(web.port())) {
            for (String id : List.of("one", "two")) {
                assertEquals(200, http.get("/v1/models?id=" + id).statusCode());
            }
            // The outer filter reads after the response went out, so the client can be faster than the record.
            Polling.await(Duration.ofSeconds(5), "the outer filter to read both exchanges", () -> seen.size() == 2);
        } finally {
            web.stop();
        }
        assertEquals("/v1/models ops 34 true true", seen.get("one"));
        assertEquals("/v1/models none -1 true true", seen.get("two"));
        assertTrue(handled.get("one") != handled.get("two"), "each request has its own exchange");
    }

    @Test
    void aRequestThatMissedTheEdgeFilterGetsOneExchangeOnFirstUse() throws Exception {
        AtomicBoolean same = new AtomicBoolean();
        HttpRouting.Builder routing = HttpRouting.builder()
                .get("/x", (req, res) -> {
                    Exchange first = Exchange.of(req);
                    first.keyIdentified("late");
                    Exchange again = Exchange.of(req);
                    same.set(again == first && again.keyName().equals(Optional.of("late")));
                    res.send("ok");
                });
        WebServer web = WebServer.builder().host("127.0.0.1").port(0).routing(routing).build().start();
        try (Http http = new Http(web.port())) {
            assertEquals(200, http.get("/x").statusCode());
        } finally {
            web.stop();
        }
        assertTrue(same.get(), "the same exchange, with what the first use recorded");
    }
}
