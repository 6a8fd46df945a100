package dev.stackwatch.provider.simulator.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stackwatch.api.JsonBodyReader;
import dev.stackwatch.api.JsonResponses;
import dev.stackwatch.api.ResponsesHandler;
import dev.stackwatch.exchange.Exchange;
import dev.stackwatch.wire.ApiException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The simulator acting as a LlamaStack distribution, for tests and demos with real clients: the Responses API
 * through the simulated models, and in-memory files, vector stores (with a word-match search), conversations and
 * their items, prompts, shields, safety, datasets (/v1beta), benchmarks and admin (/v1alpha). It serves the routes
 * the server does not serve itself, dispatched by the route template the request matched; anything else is a 404.
 */
public final class SimulatedDistribution implements Handler {
    private static final int DOWNLOAD_PIECE = 16 * 1024;

    private final Map<String, Handler> routes = new HashMap<>();
    private final JsonBodyReader reader;
    private final JsonResponses out;
    private final ObjectMapper json;
    private final long maxUploadBytes;
    private final String version;
    private final Resources responses = new Resources("response", "resp_");
    private final Resources files = new Resources("file", "file-");
    private final Map<String, byte[]> contents = new ConcurrentHashMap<>();
    private final Resources vectorStores = new Resources("vector_store", "vs_");
    private final Resources conversations = new Resources("conversation", "conv_");
    private final Resources items = new Resources("item", "item_");
    private final Resources prompts = new Resources("prompt", "pmpt_");
    private final Resources shields = new Resources("shield", "shield_");
    private final Resources datasets = new Resources("dataset", "ds_");
    private final Resources benchmarks = new Resources("benchmark", "bm_");

    /** {@code responses} generates with the simulated models; {@code finished} responses are kept through this. */
    public SimulatedDistribution(ResponsesHandlerFactory responsesFactory, JsonBodyReader reader, JsonResponses out,
                                 ObjectMapper json, long maxUploadBytes, String version) {
        this.reader = reader;
        this.out = out;
        this.json = json;
        this.maxUploadBytes = maxUploadBytes;
        this.version = version;
        ResponsesHandler generator = responsesFactory.create(r -> responses.put(r.path("id").asText(), r));
        on("POST /v1/responses", generator::create);
        on("GET /v1/responses", (req, res) -> send(res, Resources.page(responses.all(), "id")));
        on("GET /v1/responses/{response_id}", (req, res) -> send(res, responses.get(param(req, 3))));
        on("DELETE /v1/responses/{response_id}", (req, res) -> {
            responses.remove(param(req, 3));
            send(res, Resources.deleted(param(req, 3), "response"));
        });
        on("GET /v1/responses/{response_id}/input_items", (req, res) -> {
            responses.get(param(req, 3));
            send(res, Resources.page(List.of(), "id"));
        });
        // The simulator stores no chat completions; the list exists so clients' calls to it succeed.
        on("GET /v1/chat/completions", (req, res) -> send(res, Resources.page(List.of(), "id")));
        fileRoutes();
        vectorStoreRoutes();
        conversationRoutes();
        registryRoutes();
    }

    /** Builds the Responses handler once the distribution can keep what it finishes. */
    public interface ResponsesHandlerFactory {
        ResponsesHandler create(Consumer<ObjectNode> finished);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) throws Exception {
        String template = Exchange.of(req).routeLabel();
        Handler handler = routes.get(req.prologue().method().text() + " " + template);
        if (handler == null) {
            throw ApiException.notFound("route_not_found", "the simulated distribution does not serve "
                    + req.prologue().method().text() + " " + template + "; see GET /v1/inspect/routes");
        }
        handler.handle(req, res);
    }

    private void fileRoutes() {
        on("POST /v1/files", (req, res) -> {
            byte[] body = req.content().inputStream().readNBytes((int) Math.min(maxUploadBytes + 1, Integer.MAX_VALUE - 8));
            if (body.length > maxUploadBytes) {
                throw ApiException.tooLarge(maxUploadBytes);
            }
            Multipart form = Multipart.parse(req.headers().first(HeaderNames.CONTENT_TYPE).orElse(null), body);
            Multipart.Part file = form.parts().get("file");
            if (file == null) {
                throw ApiException.invalid("file", "is required");
            }
            Multipart.Part purpose = form.parts().get("purpose");
            String id = files.newId();
            contents.put(id, file.content());
            send(res, files.put(id, json.createObjectNode().put("id", id).put("object", "file")
                    .put("bytes", file.content().length).put("created_at", now())
                    .put("filename", file.filename() == null ? "upload" : file.filename())
                    .put("purpose", purpose == null ? "assistants" : purpose.text())));
        });
        on("GET /v1/files", (req, res) -> send(res, Resources.page(files.all(), "id")));
        on("GET /v1/files/{file_id}", (req, res) -> send(res, files.get(param(req, 3))));
        on("DELETE /v1/files/{file_id}", (req, res) -> {
            files.remove(param(req, 3));
            contents.remove(param(req, 3));
            send(res, Resources.deleted(param(req, 3), "file"));
        });
        on("GET /v1/files/{file_id}/content", (req, res) -> {
            files.get(param(req, 3));
            res.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
            // In pieces, each flushed, like a large download from a real distribution (and so that a fault
            // injected mid-stream strikes after the client has bytes).
            byte[] content = contents.get(param(req, 3));
            try (OutputStream body = res.outputStream()) {
                for (int at = 0; at < content.length; at += DOWNLOAD_PIECE) {
                    body.write(content, at, Math.min(DOWNLOAD_PIECE, content.length - at));
                    body.flush();
                }
            }
        });
    }

    private void vectorStoreRoutes() {
        on("POST /v1/vector_stores", (req, res) -> {
            ObjectNode body = reader.read(req);
            String id = vectorStores.newId();
            ObjectNode store = json.createObjectNode().put("id", id).put("object", "vector_store")
                    .put("created_at", now()).put("name", body.path("name").asText(id)).put("status", "completed")
                    .put("usage_bytes", 0);
            store.putObject("file_counts").put("completed", 0).put("cancelled", 0).put("failed", 0)
                    .put("in_progress", 0).put("total", 0);
            store.set("metadata", body.path("metadata").isObject() ? body.get("metadata") : json.createObjectNode());
            store.putArray("file_ids");
            vectorStores.put(id, store);
            for (JsonNode fileId : body.path("file_ids")) {
                attach(store, fileId.asText());
            }
            send(res, store);
        });
        on("GET /v1/vector_stores", (req, res) -> send(res, Resources.page(vectorStores.all(), "id")));
        on("GET /v1/vector_stores/{vector_store_id}", (req, res) -> send(res, vectorStores.get(param(req, 3))));
        on("POST /v1/vector_stores/{vector_store_id}", (req, res) -> {
            ObjectNode store = vectorStores.get(param(req, 3));
            ObjectNode body = reader.read(req);
            if (body.path("name").isTextual()) {
                store.put("name", body.get("name").asText());
            }
            if (body.path("metadata").isObject()) {
                store.set("metadata", body.get("metadata"));
            }
            send(res, store);
        });
        on("DELETE /v1/vector_stores/{vector_store_id}", (req, res) -> {
            vectorStores.remove(param(req, 3));
            send(res, Resources.deleted(param(req, 3), "vector_store.deleted"));
        });
        on("POST /v1/vector_stores/{vector_store_id}/files", (req, res) -> {
            ObjectNode store = vectorStores.get(param(req, 3));
            send(res, attach(store, required(reader.read(req), "file_id")));
        });
        on("GET /v1/vector_stores/{vector_store_id}/files", (req, res) -> {
            ObjectNode store = vectorStores.get(param(req, 3));
            List<ObjectNode> attached = new ArrayList<>();
            store.path("file_ids").forEach(f -> attached.add(storeFile(param(req, 3), f.asText())));
            send(res, Resources.page(attached, "id"));
        });
        on("POST /v1/vector_stores/{vector_store_id}/search", (req, res) -> {
            ObjectNode store = vectorStores.get(param(req, 3));
            JsonNode query = reader.read(req).path("query");
            String text = query.isArray() ? query.path(0).asText() : query.asText();
            send(res, search(store, text));
        });
    }

    private ObjectNode attach(ObjectNode store, String fileId) {
        ObjectNode file = files.get(fileId);
        ((ArrayNode) store.get("file_ids")).add(fileId);
        ObjectNode counts = (ObjectNode) store.get("file_counts");
        counts.put("completed", counts.path("completed").asInt() + 1).put("total", counts.path("total").asInt() + 1);
        store.put("usage_bytes", store.path("usage_bytes").asLong() + file.path("bytes").asLong());
        return storeFile(store.path("id").asText(), fileId);
    }

    private ObjectNode storeFile(String storeId, String fileId) {
        return json.createObjectNode().put("id", fileId).put("object", "vector_store.file").put("created_at", now())
                .put("vector_store_id", storeId).put("status", "completed")
                .put("usage_bytes", files.get(fileId).path("bytes").asLong());
    }

    /** Each line of each attached file scores the number of query words it contains; the best lines come first. */
    private ObjectNode search(ObjectNode store, String query) {
        String[] words = query.toLowerCase(Locale.ROOT).split("\\W+");
        List<ObjectNode> hits = new ArrayList<>();
        for (JsonNode fileId : store.path("file_ids")) {
            byte[] content = contents.get(fileId.asText());
            if (content == null) {
                continue;
            }
            for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
                String lower = line.toLowerCase(Locale.ROOT);
                long score = Arrays.stream(words).filter(w -> !w.isEmpty() && lower.contains(w)).count();
                if (score > 0) {
                    ObjectNode hit = json.createObjectNode().put("file_id", fileId.asText())
                            .put("filename", files.get(fileId.asText()).path("filename").asText())
                            .put("score", (double) score / words.length);
                    hit.putObject("attributes");
                    hit.putArray("content").addObject().put("type", "text").put("text", line);
                    hits.add(hit);
                }
            }
        }
        hits.sort((a, b) -> Double.compare(b.path("score").asDouble(), a.path("score").asDouble()));
        ObjectNode page = json.createObjectNode().put("object", "vector_store.search_results.page");
        page.putArray("search_query").add(query);
        page.putArray("data").addAll(hits);
        page.put("has_more", false).putNull("next_page");
        return page;
    }

    private void conversationRoutes() {
        on("POST /v1/conversations", (req, res) -> {
            ObjectNode body = reader.read(req);
            String id = conversations.newId();
            ObjectNode conversation = json.createObjectNode().put("id", id).put("object", "conversation")
                    .put("created_at", now());
            conversation.set("metadata", body.path("metadata").isObject() ? body.get("metadata")
                    : json.createObjectNode());
            conversation.putArray("item_ids");
            conversations.put(id, conversation);
            addItems(conversation, body.path("items"));
            send(res, view(conversation));
        });
        on("GET /v1/conversations/{conversation_id}", (req, res) -> send(res, view(conversations.get(param(req, 3)))));
        on("POST /v1/conversations/{conversation_id}", (req, res) -> {
            ObjectNode conversation = conversations.get(param(req, 3));
            conversation.set("metadata", reader.read(req).path("metadata"));
            send(res, view(conversation));
        });
        on("DELETE /v1/conversations/{conversation_id}", (req, res) -> {
            conversations.remove(param(req, 3));
            send(res, Resources.deleted(param(req, 3), "conversation.deleted"));
        });
        on("POST /v1/conversations/{conversation_id}/items", (req, res) -> {
            ObjectNode conversation = conversations.get(param(req, 3));
            send(res, Resources.page(addItems(conversation, reader.read(req).path("items")), "id"));
        });
        on("GET /v1/conversations/{conversation_id}/items", (req, res) -> {
            List<ObjectNode> all = new ArrayList<>();
            conversations.get(param(req, 3)).path("item_ids").forEach(i -> all.add(items.get(i.asText())));
            send(res, Resources.page(all, "id"));
        });
        on("GET /v1/conversations/{conversation_id}/items/{item_id}", (req, res) -> {
            conversations.get(param(req, 3));
            send(res, items.get(param(req, 5)));
        });
    }

    private List<ObjectNode> addItems(ObjectNode conversation, JsonNode newItems) {
        List<ObjectNode> added = new ArrayList<>();
        for (JsonNode item : newItems) {
            String id = items.newId();
            ObjectNode stored = item.deepCopy() instanceof ObjectNode o ? o : json.createObjectNode();
            stored.put("id", id);
            if (!stored.has("type")) {
                stored.put("type", "message");
            }
            items.put(id, stored);
            ((ArrayNode) conversation.get("item_ids")).add(id);
            added.add(stored);
        }
        return added;
    }

    /** A conversation as clients see it, without the item index kept beside it. */
    private static ObjectNode view(ObjectNode conversation) {
        ObjectNode copy = conversation.deepCopy();
        copy.remove("item_ids");
        return copy;
    }

    private void registryRoutes() {
        on("POST /v1/prompts", (req, res) -> {
            ObjectNode body = reader.read(req);
            String id = prompts.newId();
            ObjectNode prompt = json.createObjectNode().put("prompt_id", id)
                    .put("prompt", required(body, "prompt"))
                    .put("version", 1).put("is_default", true);
            prompt.set("variables", body.path("variables").isArray() ? body.get("variables") : json.createArrayNode());
            send(res, prompts.put(id, prompt));
        });
        on("GET /v1/prompts", (req, res) -> send(res, list(prompts.all())));
        on("GET /v1/prompts/{prompt_id}", (req, res) -> send(res, prompts.get(param(req, 3))));
        on("GET /v1/prompts/{prompt_id}/versions", (req, res) -> send(res, list(List.of(prompts.get(param(req, 3))))));
        on("DELETE /v1/prompts/{prompt_id}", (req, res) -> {
            prompts.remove(param(req, 3));
            res.status(204).send();
        });
        on("POST /v1/shields", (req, res) -> {
            String id = required(reader.read(req), "shield_id");
            send(res, shields.put(id, json.createObjectNode().put("identifier", id).put("type", "shield")
                    .put("provider_id", "simulator").put("provider_resource_id", id)));
        });
        on("GET /v1/shields", (req, res) -> send(res, list(shields.all())));
        on("GET /v1/shields/{identifier}", (req, res) -> send(res, shields.get(param(req, 3))));
        on("POST /v1/safety/run-shield", (req, res) -> {
            shields.get(required(reader.read(req), "shield_id"));
            send(res, json.createObjectNode().putNull("violation"));
        });
        on("POST /v1/moderations", (req, res) -> {
            ObjectNode body = reader.read(req);
            ObjectNode answer = json.createObjectNode().put("id", "modr-" + files.newId())
                    .put("model", body.path("model").asText("simulated-moderation"));
            ObjectNode result = answer.putArray("results").addObject().put("flagged", false);
            result.putObject("categories");
            result.putObject("category_scores");
            send(res, answer);
        });
        on("POST /v1beta/datasets", (req, res) -> {
            ObjectNode body = reader.read(req);
            String id = body.path("dataset_id").asText(datasets.newId());
            ObjectNode dataset = json.createObjectNode().put("identifier", id).put("type", "dataset")
                    .put("provider_id", "simulator").put("provider_resource_id", id)
                    .put("purpose", body.path("purpose").asText("eval/messages-answer"));
            dataset.set("source", body.path("source"));
            dataset.set("metadata", body.path("metadata").isObject() ? body.get("metadata") : json.createObjectNode());
            send(res, datasets.put(id, dataset));
        });
        on("GET /v1beta/datasets", (req, res) -> send(res, list(datasets.all())));
        on("GET /v1beta/datasets/{dataset_id}", (req, res) -> send(res, datasets.get(param(req, 3))));
        on("DELETE /v1beta/datasets/{dataset_id}", (req, res) -> {
            datasets.remove(param(req, 3));
            res.status(204).send();
        });
        on("GET /v1beta/datasetio/iterrows/{dataset_id}", (req, res) -> {
            JsonNode rows = datasets.get(param(req, 4)).path("source").path("rows");
            ObjectNode page = json.createObjectNode().put("has_more", false);
            page.set("data", rows.isArray() ? rows : json.createArrayNode());
            send(res, page);
        });
        on("POST /v1alpha/eval/benchmarks", (req, res) -> {
            ObjectNode body = reader.read(req);
            String id = required(body, "benchmark_id");
            ObjectNode benchmark = json.createObjectNode().put("identifier", id).put("type", "benchmark")
                    .put("provider_id", "simulator").put("provider_resource_id", id)
                    .put("dataset_id", body.path("dataset_id").asText());
            benchmark.set("scoring_functions", body.path("scoring_functions"));
            benchmarks.put(id, benchmark);
            res.status(204).send();
        });
        on("GET /v1alpha/eval/benchmarks", (req, res) -> send(res, list(benchmarks.all())));
        on("GET /v1alpha/eval/benchmarks/{benchmark_id}", (req, res) -> send(res, benchmarks.get(param(req, 4))));
        on("GET /v1alpha/admin/health", (req, res) -> send(res, json.createObjectNode().put("status", "OK")));
        on("GET /v1alpha/admin/version", (req, res) -> send(res, json.createObjectNode().put("version", version)));
    }

    private static String required(ObjectNode body, String field) {
        JsonNode value = body.path(field);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw ApiException.invalid(field, "is required");
        }
        return value.asText();
    }

    private ObjectNode list(List<ObjectNode> data) {
        ObjectNode list = json.createObjectNode();
        list.putArray("data").addAll(data);
        return list;
    }

    private void on(String route, Handler handler) {
        routes.put(route, handler);
    }

    private void send(ServerResponse res, Object body) {
        out.send(res, body);
    }

    /** The path's segment at {@code index} ({@code /v1/files/{file_id}}: index 3 is the id). */
    private static String param(ServerRequest req, int index) {
        return URLDecoder.decode(req.path().rawPath().split("/")[index], StandardCharsets.UTF_8);
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }
}
