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

    /**
     * The provider is about to wait for more output: everything it passed so far must reach the client now. A sink
     * may hold pieces back until then, so a burst that arrived in one upstream read leaves in one write; every
     * provider calls this before each wait, or its pieces would sit in a buffer.
     */
    default void flush() {
    }
}
