package dev.stackwatch.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.FinishReason;
import dev.stackwatch.inference.Usage;

/** How one kind of generation (chat or text completion) looks on the wire, whole or as stream chunks. */
interface ResponseFormat {
    String id();

    /** Seconds since the epoch. */
    long created();

    String model();

    Object whole(Completion completion);

    Object delta(String text, boolean first);

    /** A streamed piece of tool calls ({@link dev.stackwatch.inference.TokenSink#toolCalls}). */
    Object toolCallDelta(JsonNode deltas, boolean first);

    Object finish(FinishReason reason);

    Object usage(Usage usage);
}
