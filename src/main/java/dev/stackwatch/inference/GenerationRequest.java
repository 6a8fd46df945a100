package dev.stackwatch.inference;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A validated chat or text-completion request routed to one model. {@code body} is the client's original JSON, kept so
 * that remote OpenAI-compatible providers can forward fields Stackwatch does not interpret. {@code receivedNanos} is
 * when the request reached the server ({@link System#nanoTime()}): time to first token counts from there.
 */
public record GenerationRequest(Operation operation, Model model, List<ChatMessage> messages, String prompt,
                                SamplingParams params, boolean stream, ObjectNode body, long receivedNanos) {

    /** A request made inside the server (no client waiting before now). */
    public GenerationRequest(Operation operation, Model model, List<ChatMessage> messages, String prompt,
                             SamplingParams params, boolean stream, ObjectNode body) {
        this(operation, model, messages, prompt, params, stream, body, System.nanoTime());
    }

    /** All input text, for token counting and deterministic seeding. */
    public String inputText() {
        if (operation == Operation.COMPLETION) {
            return prompt;
        }
        StringBuilder text = new StringBuilder();
        for (ChatMessage m : messages) {
            text.append(m.role()).append(": ").append(m.content()).append('\n');
        }
        return text.toString();
    }
}
