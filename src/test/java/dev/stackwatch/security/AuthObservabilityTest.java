package dev.stackwatch.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.testing.HttpCalls;
import dev.stackwatch.testing.LogCapture;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.Scrape;
import dev.stackwatch.testing.TestServers;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Auth refusals are counted by reason, and the access log names the key a request used, never its token. */
class AuthObservabilityTest {
    private static final String TOKEN = "ops-token-0123456789abcdef";

    @Test
    void refusalsAreCountedAndTheAccessLogNamesTheKey() {
        Logger access = (Logger) LoggerFactory.getLogger("stackwatch.access");
        LogCapture events = new LogCapture();
        events.start();
        access.addAppender(events);
        try (StackwatchServer server = TestServers.start(TestServers.FAST_SIMULATOR + """
                server:
                  auth: {api_keys: [{name: ops, token: %s}]}
                """.formatted(TOKEN));
             HttpCalls http = new HttpCalls()) {
            String models = "http://127.0.0.1:" + server.port() + "/v1/models";
            for (int i = 0; i < 2; i++) {
                assertEquals(401, http.send(models, null).statusCode());
            }
            for (int i = 0; i < 3; i++) {
                assertEquals(401, http.send(models, null, "Authorization", "Bearer wrong-0123456789abcdef").statusCode());
            }
            assertEquals(200, http.send(models, null, "Authorization", "Bearer " + TOKEN).statusCode());

            Scrape scrape = Scrape.of(server.managementPort());
            assertEquals(2.0, scrape.sum("llamastack_auth_failures_total", Map.of("reason", "missing")));
            assertEquals(3.0, scrape.sum("llamastack_auth_failures_total", Map.of("reason", "rejected")));

            ILoggingEvent accepted = Polling.awaitValue(Duration.ofSeconds(5), "the accepted request's access event",
                    () -> events.snapshot().stream()
                            .filter(e -> e.getFormattedMessage().startsWith("GET /v1/models 200"))
                            .findFirst().orElse(null));
            assertEquals("ops", accepted.getKeyValuePairs().stream().filter(kv -> kv.key.equals("api_key_name"))
                    .findFirst().orElseThrow().value);
            for (ILoggingEvent e : events.snapshot()) {
                assertFalse(e.getFormattedMessage().contains(TOKEN) || String.valueOf(e.getKeyValuePairs()).contains(TOKEN),
                        "the token never reaches the access log");
            }
        } finally {
            access.detachAppender(events);
        }
    }
}
