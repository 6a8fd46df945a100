package dev.stackwatch.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stackwatch.exchange.Exchange;
import dev.stackwatch.inference.ChatMessage;
import dev.stackwatch.inference.GenerationRequest;
import dev.stackwatch.inference.Model;
import dev.stackwatch.inference.Operation;
import dev.stackwatch.inference.SamplingParams;
import dev.stackwatch.inference.UpstreamHeaders;
import java.util.List;

/** A validated chat or completion request before its model is resolved. */
record GenerationInput(Operation operation, String model, List<ChatMessage> messages, String prompt,
                       SamplingParams params, boolean stream, boolean includeUsage, ObjectNode body) {

    /** Time to first token counts from the request's arrival at the server. */
    GenerationRequest toRequest(Model resolved, Exchange exchange, UpstreamHeaders upstreamHeaders) {
        return new GenerationRequest(operation, resolved, messages, prompt, params, stream, body,
                exchange.arrivalNanos(), upstreamHeaders, exchange);
    }
}
