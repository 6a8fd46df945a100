package dev.stackwatch.telemetry.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.api.JsonResponses;
import dev.stackwatch.wire.ErrorBody;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.LoggerFactory;

/**
 * Management endpoints to read and change logger levels while the server runs: {@code GET /loggers},
 * {@code GET /loggers/{name}} and {@code PUT|POST /loggers/{name}} with {@code {"level": "debug"}} ({@code null}
 * resets a logger to inherit its parent's level). Loopback callers only; see {@link LoopbackOnly}.
 */
public final class LoggerEndpoints {
    public static final String PATH = "/loggers";
    /** In order of severity, as listed to clients. */
    private static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");

    record LoggerLevel(String configuredLevel, String effectiveLevel) {}

    record LoggerList(List<String> levels, Map<String, LoggerLevel> loggers) {}

    private final ObjectMapper json;
    private final JsonResponses responses;

    public LoggerEndpoints(ObjectMapper json, JsonResponses responses) {
        this.json = json;
        this.responses = responses;
    }

    public void register(HttpRouting.Builder routing) {
        routing.get(PATH, (req, res) -> guarded(req, res, this::list))
                .get(PATH + "/{name}", (req, res) -> guarded(req, res, this::show))
                .route(Method.PUT, PATH + "/{name}", (req, res) -> guarded(req, res, this::change))
                .route(Method.POST, PATH + "/{name}", (req, res) -> guarded(req, res, this::change));
    }

    private interface Handler {
        void handle(ServerRequest req, ServerResponse res, LoggerContext logback);
    }

    private void guarded(ServerRequest req, ServerResponse res, Handler handler) {
        if (!LoopbackOnly.allows(req.remotePeer().address())) {
            error(res, 403, "forbidden", "logger levels can only be read or changed from the server's own host");
            return;
        }
        // logback is the SLF4J binding Stackwatch ships with; the context is its own, not Stackwatch's, state.
        handler.handle(req, res, (LoggerContext) LoggerFactory.getILoggerFactory());
    }

    private void list(ServerRequest req, ServerResponse res, LoggerContext logback) {
        Map<String, LoggerLevel> loggers = new TreeMap<>();
        for (Logger logger : logback.getLoggerList()) {
            loggers.put(logger.getName(), describe(logger));
        }
        responses.send(res, new LoggerList(LEVELS, loggers));
    }

    private void show(ServerRequest req, ServerResponse res, LoggerContext logback) {
        responses.send(res, describe(logback.getLogger(req.path().pathParameters().get("name"))));
    }

    private void change(ServerRequest req, ServerResponse res, LoggerContext logback) {
        String name = req.path().pathParameters().get("name");
        JsonNode body;
        try {
            body = json.readTree(req.content().as(byte[].class));
        } catch (IOException e) {
            error(res, 400, "invalid_json", "the body must be JSON like {\"level\": \"debug\"}");
            return;
        }
        JsonNode level = body == null ? null : body.get("level");
        if (level == null || !(level.isNull() || LEVELS.contains(level.asText().toLowerCase(Locale.ROOT)))) {
            error(res, 400, "invalid_level", "'level' must be one of " + LEVELS + " or null to inherit");
            return;
        }
        Logger logger = logback.getLogger(name);
        if (level.isNull() && logger.getName().equals(Logger.ROOT_LOGGER_NAME)) {
            error(res, 400, "invalid_level", "the root logger has no parent to inherit a level from");
            return;
        }
        logger.setLevel(level.isNull() ? null : Level.toLevel(level.asText()));
        responses.send(res, describe(logger));
    }

    private static LoggerLevel describe(Logger logger) {
        return new LoggerLevel(logger.getLevel() == null ? null : name(logger.getLevel()),
                name(logger.getEffectiveLevel()));
    }

    private static String name(Level level) {
        return level.toString().toLowerCase(Locale.ROOT);
    }

    private void error(ServerResponse res, int status, String code, String message) {
        responses.send(res, status, ErrorBody.of(message, "invalid_request_error", code, null));
    }
}
