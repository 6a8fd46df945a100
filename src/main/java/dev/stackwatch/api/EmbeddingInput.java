package dev.stackwatch.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stackwatch.inference.EmbeddingRequest;
import dev.stackwatch.inference.Model;
import java.util.List;

/** A validated embeddings request before its model is resolved. */
record EmbeddingInput(String model, List<String> inputs, boolean base64, Integer dimensions, ObjectNode body) {

    EmbeddingRequest toRequest(Model resolved) {
        return new EmbeddingRequest(resolved, inputs, dimensions, body);
    }
}
