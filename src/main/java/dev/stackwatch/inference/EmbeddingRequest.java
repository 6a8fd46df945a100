package dev.stackwatch.inference;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stackwatch.exchange.Exchange;
import java.util.List;

/**
 * {@code dimensions} is null when the client did not ask for truncated vectors. {@code upstreamHeaders} and
 * {@code exchange} as for {@link GenerationRequest}.
 */
public record EmbeddingRequest(Model model, List<String> inputs, Integer dimensions, ObjectNode body,
                               UpstreamHeaders upstreamHeaders, Exchange exchange) {

    /** The same request, its upstream requests carrying {@code headers}. */
    public EmbeddingRequest withUpstreamHeaders(UpstreamHeaders headers) {
        return new EmbeddingRequest(model, inputs, dimensions, body, headers, exchange);
    }
}
