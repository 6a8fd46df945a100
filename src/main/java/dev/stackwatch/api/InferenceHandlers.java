package dev.stackwatch.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.api.Payloads.EmbeddingData;
import dev.stackwatch.api.Payloads.EmbeddingList;
import dev.stackwatch.api.Payloads.EmbeddingUsage;
import dev.stackwatch.exchange.Exchange;
import dev.stackwatch.inference.ClientDisconnectedException;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.Embeddings;
import dev.stackwatch.inference.GenerationRequest;
import dev.stackwatch.inference.ModelCatalog;
import dev.stackwatch.inference.ModelType;
import dev.stackwatch.inference.RoutedModel;
import dev.stackwatch.inference.TokenSink;
import dev.stackwatch.lifecycle.InFlight;
import dev.stackwatch.wire.ApiException;
import dev.stackwatch.wire.ErrorBody;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** POST /v1/chat/completions, /v1/completions and /v1/embeddings. */
public final class InferenceHandlers {
    private static final Logger LOG = LoggerFactory.getLogger(InferenceHandlers.class);

    private final ModelCatalog catalog;
    private final JsonBodyReader reader;
    private final ObjectMapper json;
    private final JsonResponses responses;
    private final RequestParser parser;
    private final ResponseTemplates chatJson;
    private final ResponseTemplates completionJson;

    public InferenceHandlers(ModelCatalog catalog, JsonBodyReader reader, RequestParser parser, ObjectMapper json,
                             JsonResponses responses) {
        this.catalog = catalog;
        this.reader = reader;
        this.parser = parser;
        this.json = json;
        this.responses = responses;
        this.chatJson = ResponseTemplates.of(json, ChatFormat::new);
        this.completionJson = ResponseTemplates.of(json, CompletionFormat::new);
    }

    public void chat(ServerRequest req, ServerResponse res) {
        GenerationInput in = parser.chat(reader.read(req));
        generate(req, res, in, new ChatFormat("chatcmpl-" + randomId(), nowSeconds(), in.model()), chatJson);
    }

    public void completions(ServerRequest req, ServerResponse res) {
        GenerationInput in = parser.completion(reader.read(req));
        generate(req, res, in, new CompletionFormat("cmpl-" + randomId(), nowSeconds(), in.model()),
                completionJson);
    }

    public void embeddings(ServerRequest req, ServerResponse res) {
        EmbeddingInput in = parser.embeddings(reader.read(req));
        RoutedModel routed = route(in.model(), ModelType.EMBEDDING);
        Embeddings result = inFlight(req).whileClientWaits(ClientDisconnectedException::new,
                () -> routed.provider().embed(in.toRequest(routed.model(), Exchange.of(req), ForwardedHeaders.of(req))));
        List<EmbeddingData> data = new ArrayList<>(result.vectors().size());
        for (int i = 0; i < result.vectors().size(); i++) {
            float[] v = result.vectors().get(i);
            data.add(new EmbeddingData("embedding", in.base64() ? base64(v) : v, i));
        }
        responses.send(res, new EmbeddingList("list", data, in.model(),
                new EmbeddingUsage(result.promptTokens(), result.promptTokens())));
    }

    private void generate(ServerRequest req, ServerResponse res, GenerationInput in, ResponseFormat format,
                          ResponseTemplates templates) {
        InFlight inFlight = inFlight(req);
        RoutedModel routed = route(in.model(), ModelType.LLM);
        GenerationRequest request = in.toRequest(routed.model(), Exchange.of(req), ForwardedHeaders.of(req));
        TemplatedResponse response = templates.forResponse(format);
        if (!in.stream()) {
            Completion completion = inFlight.whileClientWaits(ClientDisconnectedException::new,
                    () -> routed.provider().generate(request, TokenSink.DISCARD));
            responses.sendEncoded(res, 200, response.whole(completion));
            return;
        }
        try (SseStream sse = new SseStream(res, json)) {
            try {
                stream(sse, inFlight, routed, request, in, format, response);
            } catch (ClientDisconnectedException e) {
                if (!sse.started()) {
                    throw e;
                }
                // One line here; thrown on as it is, Helidon would log a warning and an 80-line trace per client that
                // left. Its CloseConnectionException still drops the connection, without logging, and tells the
                // filters outside that the response did not complete.
                LOG.info("client disconnected mid-stream; stopped streaming {}", in.model());
                throw new CloseConnectionException("client disconnected mid-stream", e);
            }
        }
    }

    private void stream(SseStream sse, InFlight inFlight, RoutedModel routed, GenerationRequest request,
                        GenerationInput in, ResponseFormat format, TemplatedResponse response) {
        boolean[] first = {true};
        Completion completion;
        try {
            // Tokens are written uninterruptibly: the drain deadline may interrupt the provider, never a write.
            completion = inFlight.interruptibly(() -> routed.provider().generate(request, new TokenSink() {
                @Override
                public void token(String text) {
                    append(() -> sse.appendDelta(response, text, first[0]));
                }

                @Override
                public void toolCalls(JsonNode pieces) {
                    append(() -> sse.append(format.toolCallDelta(pieces, first[0])));
                }

                @Override
                public void flush() {
                    inFlight.uninterruptibly(sse::flush);
                }

                private void append(Runnable event) {
                    inFlight.uninterruptibly(() -> {
                        event.run();
                        first[0] = false;
                    });
                }
            }));
        } catch (ClientDisconnectedException e) {
            throw e;
        } catch (RuntimeException e) {
            if (!sse.started()) {
                throw e;
            }
            ApiException error = ApiErrors.report(e, "a stream of " + in.model());
            sse.append(ErrorBody.of(error.getMessage(), error.type(), error.code(), null));
            sse.end();
            return;
        }
        // The closing events leave in one write, with [DONE].
        if (first[0]) {
            sse.appendDelta(response, "", true);
        }
        sse.appendEncoded(response.finish(completion.finishReason()));
        if (in.includeUsage()) {
            sse.append(format.usage(completion.usage()));
        }
        sse.done();
    }

    /** Registered by {@link DrainFilter}, which every API route passes through. */
    private static InFlight inFlight(ServerRequest req) {
        return req.context().get(InFlight.class)
                .orElseThrow(() -> new IllegalStateException("API request not admitted by DrainFilter"));
    }

    private RoutedModel route(String modelId, ModelType required) {
        RoutedModel routed = catalog.route(modelId);
        if (routed.model().type() != required) {
            throw ApiException.invalid("model", "'" + modelId + "' is " + (required == ModelType.LLM
                    ? "an embedding model; use /v1/embeddings" : "not an embedding model; use /v1/chat/completions"));
        }
        return routed;
    }

    private static String base64(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : vector) {
            buffer.putFloat(f);
        }
        return Base64.getEncoder().encodeToString(buffer.array());
    }

    private static String randomId() {
        byte[] bytes = new byte[12];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static long nowSeconds() {
        return System.currentTimeMillis() / 1000;
    }
}
