package dev.stackwatch.provider.llamastack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.inference.ClientDisconnectedException;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.FinishReason;
import dev.stackwatch.inference.InferenceObserver;
import dev.stackwatch.inference.ProviderException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading a relayed Responses answer: SSE events split anywhere across chunks, and each final status. */
class ResponsesWatchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final class Recorded implements InferenceObserver.Call {
        final List<Integer> tokens = new ArrayList<>();
        Completion completion;
        Throwable failure;

        @Override
        public void token(int index, long nanoTime) {
            tokens.add(index);
        }

        @Override
        public void completed(Completion c) {
            completion = c;
        }

        @Override
        public void failed(Throwable f) {
            failure = f;
        }
    }

    private static String event(String type, String json) {
        return "event: " + type + "\ndata: " + json + "\n\n";
    }

    private static Recorded stream(String body, int chunkSize) {
        Recorded call = new Recorded();
        ResponsesWatch watch = new ResponsesWatch(call, true, "stack", JSON);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        for (int at = 0; at < bytes.length; at += chunkSize) {
            watch.relayed(Arrays.copyOfRange(bytes, at, Math.min(bytes.length, at + chunkSize)), System.nanoTime());
        }
        watch.ended();
        return call;
    }

    @Test
    void deltasAreTokensAndTheCompletedResponseGivesUsageWhereverTheChunksSplit() {
        String body = event("response.created", "{\"type\":\"response.created\",\"response\":{\"status\":\"in_progress\"}}")
                + event("response.output_text.delta", "{\"type\":\"response.output_text.delta\",\"delta\":\"Hel\"}")
                + event("response.output_text.delta", "{\"type\":\"response.output_text.delta\",\"delta\":\"lo \\u00e9\"}")
                + event("response.output_text.delta", "{\"type\":\"response.output_text.delta\",\"delta\":\"!\"}")
                + event("response.completed", "{\"type\":\"response.completed\",\"response\":{\"status\":\"completed\","
                        + "\"usage\":{\"input_tokens\":7,\"output_tokens\":3}}}");
        for (int size : new int[] {1, 3, 17, body.length()}) {
            Recorded call = stream(body, size);
            assertEquals(List.of(0, 1, 2), call.tokens, "chunks of " + size);
            assertEquals(7, call.completion.usage().promptTokens());
            assertEquals(3, call.completion.usage().completionTokens());
            assertEquals(FinishReason.STOP, call.completion.finishReason());
            assertEquals("Hello \u00e9!", call.completion.text());
            assertNull(call.failure);
        }
    }

    @Test
    void incompleteFailedCancelledAndTruncatedStreamsEndTheCallAccordingly() {
        Recorded incomplete = stream(event("response.incomplete", "{\"type\":\"response.incomplete\",\"response\":"
                + "{\"status\":\"incomplete\",\"incomplete_details\":{\"reason\":\"max_output_tokens\"},"
                + "\"usage\":{\"input_tokens\":2,\"output_tokens\":16}}}"), 5);
        assertEquals(FinishReason.LENGTH, incomplete.completion.finishReason());
        assertEquals(16, incomplete.completion.usage().completionTokens());

        Recorded failed = stream(event("response.failed", "{\"type\":\"response.failed\",\"response\":"
                + "{\"status\":\"failed\",\"error\":{\"message\":\"model crashed\"}}}"), 8);
        assertEquals(ProviderException.Kind.INTERNAL, assertInstanceOf(ProviderException.class, failed.failure).kind());

        Recorded cancelled = stream(event("response.completed", "{\"type\":\"response.completed\",\"response\":"
                + "{\"status\":\"cancelled\"}}"), 8);
        assertInstanceOf(ClientDisconnectedException.class, cancelled.failure);

        Recorded truncated = stream(event("response.output_text.delta",
                "{\"type\":\"response.output_text.delta\",\"delta\":\"x\"}"), 4);
        assertEquals(ProviderException.Kind.BAD_GATEWAY,
                assertInstanceOf(ProviderException.class, truncated.failure).kind());
    }

    @Test
    void aWholeResponseIsReadAtItsEnd() {
        Recorded call = new Recorded();
        ResponsesWatch watch = new ResponsesWatch(call, false, "stack", JSON);
        byte[] body = "{\"id\":\"resp_1\",\"status\":\"completed\",\"usage\":{\"input_tokens\":4,\"output_tokens\":9}}"
                .getBytes(StandardCharsets.UTF_8);
        watch.relayed(Arrays.copyOfRange(body, 0, 10), System.nanoTime());
        watch.relayed(Arrays.copyOfRange(body, 10, body.length), System.nanoTime());
        watch.ended();
        assertEquals(9, call.completion.usage().completionTokens());
        assertEquals(List.of(), call.tokens, "a whole answer has no streamed tokens");
    }
}
