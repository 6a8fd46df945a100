package dev.stackwatch.telemetry.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.testing.RunningServer;
import dev.stackwatch.testing.TestServers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** Changing log levels at run time through the management port, and who may. */
class LoggerEndpointsTest {
    static final String NAME = "dev.stackwatch.levels-test";
    @RegisterExtension
    static final RunningServer server = new RunningServer(TestServers.FAST_SIMULATOR);
    final ObjectMapper json = new ObjectMapper();
    final Logger logger = (Logger) LoggerFactory.getLogger(NAME);

    @AfterAll
    static void resetLevel() {
        ((Logger) LoggerFactory.getLogger(NAME)).setLevel(null);
    }

    private HttpResponse<String> call(String method, String path, String body) {
        return server.management().send(server.management().request(path).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aLoopbackCallerChangesALevelAndTheLoggerFollows() throws Exception {
        assertFalse(logger.isDebugEnabled());
        HttpResponse<String> changed = call("POST", "/loggers/" + NAME, "{\"level\": \"debug\"}");
        assertEquals(200, changed.statusCode(), changed.body());
        assertEquals("debug", json.readTree(changed.body()).get("configured_level").asText());
        assertTrue(logger.isDebugEnabled(), "the running logger changed");

        JsonNode all = json.readTree(call("GET", "/loggers", null).body());
        assertEquals("debug", all.get("loggers").get(NAME).get("effective_level").asText());
        assertEquals("info", all.get("loggers").get("ROOT").get("effective_level").asText());
        assertTrue(all.get("levels").toString().contains("warn"));

        assertEquals(200, call("PUT", "/loggers/" + NAME, "{\"level\": \"WARN\"}").statusCode());
        assertEquals(Level.WARN, logger.getLevel());
        HttpResponse<String> reset = call("PUT", "/loggers/" + NAME, "{\"level\": null}");
        assertEquals(200, reset.statusCode());
        assertNull(logger.getLevel(), "null goes back to inheriting");
        assertEquals("info", json.readTree(call("GET", "/loggers/" + NAME, null).body()).get("effective_level")
                .asText());
    }

    @Test
    void badRequestsChangeNothing() throws Exception {
        assertEquals(400, call("POST", "/loggers/" + NAME, "{\"level\": \"verbose\"}").statusCode());
        assertEquals(400, call("POST", "/loggers/" + NAME, "not json").statusCode());
        assertEquals(400, call("POST", "/loggers/" + NAME, "{}").statusCode());
        assertEquals(400, call("POST", "/loggers/ROOT", "{\"level\": null}").statusCode());
        assertNull(logger.getLevel());
    }

    @Test
    void onlyLoopbackCallersAreAllowed() throws Exception {
        assertTrue(LoopbackOnly.allows(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 1)));
        assertTrue(LoopbackOnly.allows(new InetSocketAddress(InetAddress.getByName("::1"), 1)));
        assertFalse(LoopbackOnly.allows(new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 1)));
        assertFalse(LoopbackOnly.allows(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 1)));
        assertFalse(LoopbackOnly.allows(InetSocketAddress.createUnresolved("127.0.0.1", 1)));
    }
}
