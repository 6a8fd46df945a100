package dev.stackwatch.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The JSON events of a whole SSE body, for assertions on streamed responses. */
public final class SseEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SseEvents() {
    }

    public static List<JsonNode> parse(String body) {
        List<JsonNode> events = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                try {
                    events.add(JSON.readTree(line.substring(6)));
                } catch (IOException e) {
                    throw new UncheckedIOException("not JSON: " + line, e);
                }
            }
        }
        return events;
    }

    /** The concatenated delta content of chat chunks. */
    public static String text(List<JsonNode> events) {
        StringBuilder text = new StringBuilder();
        for (JsonNode e : events) {
            text.append(e.path("choices").path(0).path("delta").path("content").asText(""));
        }
        return text.toString();
    }
}
