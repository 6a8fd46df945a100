package dev.stackwatch.inference;

import com.fasterxml.jackson.databind.JsonNode;

/** Where a streaming generation sends its output as it is produced: text, or pieces of tool calls. */
public interface TokenSink {
    TokenSink DISCARD = new TokenSink() {
        @Override
        public void token(String text) {
        }

        @Override
        public void toolCalls(JsonNode deltas) {
        }
    };

    void token(String text);

    /**
     * Part of the tool calls being generated, in OpenAI's streamed shape: an array of
     * {@code {index, id?, type?, function: {name?, arguments?}}} pieces that the client joins by index.
     */
    void toolCalls(JsonNode deltas);
}
