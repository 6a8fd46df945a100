package dev.stackwatch.telemetry.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.MDC;

/**
 * The shipped logback set-up (LogbackSetup) in a private logger context: exceptions and secrets in both formats.
 * (The server-process test covers everything else about the JSON lines; it has no way to make the server log a
 * stack trace.)
 */
class LogFormatTest {
    static final String SECRET = "sk-live-0a1b2c3d";

    /** Logs one failure with a cause, and a secret in the message, through the shipped set-up with {@code format}. */
    private static List<String> logFailure(String format) throws Exception {
        LoggerContext context = new LoggerContext();
        context.putProperty("LOG_FORMAT", format);
        // A context SLF4J did not create has no MDC of its own: share the one the test's MDC.put writes to.
        context.setMDCAdapter(MDC.getMDCAdapter());
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        // The console appender writes to whatever System.out is when it writes; stopping the context below writes
        // what is still pending, before System.out is put back.
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        MDC.put("request_id", "req-1");
        try {
            new LogbackSetup().configure(context);
            Logger logger = context.getLogger("dev.stackwatch.format-test");
            logger.error("upstream refused Authorization: Bearer {}", SECRET,
                    new IllegalStateException("outer", new IllegalArgumentException("api_key=" + SECRET)));
        } finally {
            MDC.remove("request_id");
            context.stop();
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void jsonPutsTheStackTraceInOneFieldOnOneLineAndMasksSecrets() throws Exception {
        List<String> lines = logFailure("json");
        assertEquals(1, lines.size(), "one line: " + lines);
        JsonNode line = new ObjectMapper().readTree(lines.getFirst());
        assertEquals("ERROR", line.get("level").asText());
        assertEquals("req-1", line.get("request_id").asText());
        assertTrue(line.get("message").asText().contains("Bearer ********"), line.toString());
        String stack = line.get("stack_trace").asText();
        assertTrue(stack.contains("IllegalArgumentException") && stack.contains("IllegalStateException"), stack);
        assertFalse(lines.getFirst().contains(SECRET), lines.getFirst());
    }

    @Test
    void textMasksSecretsInTheMessageAndTheStackTrace() throws Exception {
        List<String> lines = logFailure("text");
        assertTrue(lines.size() > 2, "a text stack trace spans lines: " + lines);
        assertTrue(lines.getFirst().contains("ERROR") && lines.getFirst().endsWith("[request_id=req-1]"),
                lines.getFirst());
        assertTrue(lines.stream().noneMatch(l -> l.contains("%")), "every pattern word was understood: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.contains("IllegalArgumentException: api_key=********")), lines.toString());
        assertTrue(lines.stream().noneMatch(l -> l.contains(SECRET)), lines.toString());
    }
}
