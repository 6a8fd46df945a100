package dev.stackwatch.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stackwatch.exchange.Exchange;
import dev.stackwatch.inference.EmbeddingRequest;
import dev.stackwatch.inference.Model;
import dev.stackwatch.inference.UpstreamHeaders;
import java.util.List;

/** A validated embeddings request before its model is resolved. */
record EmbeddingInput(String model, List<String> inputs, boolean base64, Integer dimensions, ObjectNode body) {

    EmbeddingRequest toRequest(Model resolved, Exchange exchange, UpstreamHeaders upstreamHeaders) {
        return new EmbeddingRequest(resolved, inputs, dimensions, body, upstreamHeaders, exchange);
    }
}
