package dev.stackwatch.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stackwatch.inference.ChatMessage;
import dev.stackwatch.inference.GenerationRequest;
import dev.stackwatch.inference.Model;
import dev.stackwatch.inference.Operation;
import dev.stackwatch.inference.SamplingParams;
import java.util.List;

/** A validated chat or completion request before its model is resolved. */
record GenerationInput(Operation operation, String model, List<ChatMessage> messages, String prompt,
                       SamplingParams params, boolean stream, boolean includeUsage, ObjectNode body) {

    GenerationRequest toRequest(Model resolved, long receivedNanos) {
        return new GenerationRequest(operation, resolved, messages, prompt, params, stream, body, receivedNanos);
    }
}
