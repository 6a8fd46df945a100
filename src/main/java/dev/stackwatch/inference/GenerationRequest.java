package dev.stackwatch.inference;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stackwatch.exchange.Exchange;
import java.util.List;

/**
 * A validated chat or text-completion request routed to one model. {@code body} is the client's original JSON, kept so
 * that remote OpenAI-compatible providers can forward fields Stackwatch does not interpret. {@code receivedNanos} is
 * when the request reached the server ({@link System#nanoTime()}): time to first token counts from there.
 * {@code upstreamHeaders} go with every upstream request the call makes (the client's trace context, or the span an
 * observer made for the call); {@code exchange} is the client request's, which observers report to and read from.
 */
public record GenerationRequest(Operation operation, Model model, List<ChatMessage> messages, String prompt,
                                SamplingParams params, boolean stream, ObjectNode body, long receivedNanos,
                                UpstreamHeaders upstreamHeaders, Exchange exchange) {

    /** The same request, its upstream requests carrying {@code headers}. */
    public GenerationRequest withUpstreamHeaders(UpstreamHeaders headers) {
        return new GenerationRequest(operation, model, messages, prompt, params, stream, body, receivedNanos, headers,
                exchange);
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
