package dev.stackwatch.api;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Every route of the LlamaStack API (OGX) as method and path template, under {@code /v1}, {@code /v1alpha} and
 * {@code /v1beta}: the routes the npm llama-stack-client calls (its api.md; LlamaStackApiDriftTest keeps this list in
 * step) plus the tool routes of the server. Relayed requests are labelled with the template their path matches, so
 * metrics, spans and access lines name {@code /v1/vector_stores/{vector_store_id}/search} and never a raw path.
 */
public final class LlamaStackApi {
    /** The API versions a distribution serves; a relay forwards paths under each. */
    public static final List<String> PREFIXES = List.of("/v1/", "/v1alpha/", "/v1beta/");

    public record Route(String method, String template) {
        /** The route family: the first segment after the version ({@code vector_stores}, {@code eval}). */
        public String family() {
            String[] segments = template.split("/");
            return segments.length > 2 ? segments[2] : template;
        }
    }

    public static final List<Route> ROUTES = List.of(
            // Stackwatch serves these itself; listed so the table is the whole API.
            get("/v1/health"), get("/v1/version"), get("/v1/providers"), get("/v1/providers/{provider_id}"),
            get("/v1/inspect/routes"), get("/v1/models"), get("/v1/models/{model_id}"),
            post("/v1/chat/completions"), post("/v1/completions"), post("/v1/embeddings"),
            get("/v1/chat/completions"), get("/v1/chat/completions/{completion_id}"),
            // Responses
            post("/v1/responses"), get("/v1/responses"), get("/v1/responses/{response_id}"),
            delete("/v1/responses/{response_id}"), get("/v1/responses/{response_id}/input_items"),
            // Conversations
            post("/v1/conversations"), get("/v1/conversations/{conversation_id}"),
            post("/v1/conversations/{conversation_id}"), delete("/v1/conversations/{conversation_id}"),
            post("/v1/conversations/{conversation_id}/items"), get("/v1/conversations/{conversation_id}/items"),
            get("/v1/conversations/{conversation_id}/items/{item_id}"),
            delete("/v1/conversations/{conversation_id}/items/{item_id}"),
            // Vector stores
            post("/v1/vector_stores"), get("/v1/vector_stores"), get("/v1/vector_stores/{vector_store_id}"),
            post("/v1/vector_stores/{vector_store_id}"), delete("/v1/vector_stores/{vector_store_id}"),
            post("/v1/vector_stores/{vector_store_id}/search"),
            post("/v1/vector_stores/{vector_store_id}/files"), get("/v1/vector_stores/{vector_store_id}/files"),
            get("/v1/vector_stores/{vector_store_id}/files/{file_id}"),
            post("/v1/vector_stores/{vector_store_id}/files/{file_id}"),
            delete("/v1/vector_stores/{vector_store_id}/files/{file_id}"),
            get("/v1/vector_stores/{vector_store_id}/files/{file_id}/content"),
            post("/v1/vector_stores/{vector_store_id}/file_batches"),
            get("/v1/vector_stores/{vector_store_id}/file_batches/{batch_id}"),
            post("/v1/vector_stores/{vector_store_id}/file_batches/{batch_id}/cancel"),
            get("/v1/vector_stores/{vector_store_id}/file_batches/{batch_id}/files"),
            post("/v1/vector-io/insert"), post("/v1/vector-io/query"),
            // Files
            post("/v1/files"), get("/v1/files"), get("/v1/files/{file_id}"), delete("/v1/files/{file_id}"),
            get("/v1/files/{file_id}/content"),
            // Batches
            post("/v1/batches"), get("/v1/batches"), get("/v1/batches/{batch_id}"),
            post("/v1/batches/{batch_id}/cancel"),
            // Prompts
            post("/v1/prompts"), get("/v1/prompts"), get("/v1/prompts/{prompt_id}"), post("/v1/prompts/{prompt_id}"),
            put("/v1/prompts/{prompt_id}"), delete("/v1/prompts/{prompt_id}"),
            get("/v1/prompts/{prompt_id}/versions"), put("/v1/prompts/{prompt_id}/set-default-version"),
            // Safety
            post("/v1/shields"), get("/v1/shields"), get("/v1/shields/{identifier}"),
            delete("/v1/shields/{identifier}"), post("/v1/safety/run-shield"), post("/v1/moderations"),
            // Scoring
            post("/v1/scoring/score"), post("/v1/scoring/score-batch"), post("/v1/scoring-functions"),
            get("/v1/scoring-functions"), get("/v1/scoring-functions/{scoring_fn_id}"),
            delete("/v1/scoring-functions/{scoring_fn_id}"),
            // Tools
            get("/v1/toolgroups"), post("/v1/toolgroups"), get("/v1/toolgroups/{toolgroup_id}"),
            delete("/v1/toolgroups/{toolgroup_id}"), get("/v1/tools"), get("/v1/tools/{tool_name}"),
            get("/v1/tool-runtime/list-tools"), post("/v1/tool-runtime/invoke"),
            // /v1alpha: evaluation, rerank, admin
            post("/v1alpha/eval/benchmarks"), get("/v1alpha/eval/benchmarks"),
            get("/v1alpha/eval/benchmarks/{benchmark_id}"), delete("/v1alpha/eval/benchmarks/{benchmark_id}"),
            post("/v1alpha/eval/benchmarks/{benchmark_id}/evaluations"),
            post("/v1alpha/eval/benchmarks/{benchmark_id}/jobs"),
            get("/v1alpha/eval/benchmarks/{benchmark_id}/jobs/{job_id}"),
            delete("/v1alpha/eval/benchmarks/{benchmark_id}/jobs/{job_id}"),
            get("/v1alpha/eval/benchmarks/{benchmark_id}/jobs/{job_id}/result"),
            post("/v1alpha/inference/rerank"),
            get("/v1alpha/admin/health"), get("/v1alpha/admin/version"), get("/v1alpha/admin/providers"),
            get("/v1alpha/admin/providers/{provider_id}"), get("/v1alpha/admin/inspect/routes"),
            // /v1beta: datasets
            post("/v1beta/datasets"), get("/v1beta/datasets"), get("/v1beta/datasets/{dataset_id}"),
            delete("/v1beta/datasets/{dataset_id}"), get("/v1beta/datasetio/iterrows/{dataset_id}"),
            post("/v1beta/datasetio/append-rows/{dataset_id}"));

    /** Distinct templates, fewest path parameters first, so a literal segment wins over a parameter. */
    private static final List<String[]> TEMPLATES = ROUTES.stream().map(Route::template).distinct()
            .sorted(Comparator.comparingLong(t -> t.chars().filter(c -> c == '{').count()))
            .map(t -> t.split("/", -1))
            .toList();

    private LlamaStackApi() {
    }

    /** Whether a path lies under one of the API's versions, i.e. whether a relay forwards it. */
    public static boolean relayed(String path) {
        return PREFIXES.stream().anyMatch(path::startsWith);
    }

    /**
     * The template whose segments match {@code rawPath}, or empty. A parameter matches one non-empty segment; the
     * method is not part of the match, since the method is a label of its own and bounded.
     */
    public static Optional<String> template(String rawPath) {
        String[] path = rawPath.split("/", -1);
        for (String[] template : TEMPLATES) {
            if (matches(template, path)) {
                return Optional.of(String.join("/", template));
            }
        }
        return Optional.empty();
    }

    private static boolean matches(String[] template, String[] path) {
        if (template.length != path.length) {
            return false;
        }
        for (int i = 0; i < template.length; i++) {
            boolean parameter = template[i].startsWith("{");
            if (parameter ? path[i].isEmpty() : !template[i].equals(path[i])) {
                return false;
            }
        }
        return true;
    }

    private static Route get(String template) {
        return new Route("GET", template);
    }

    private static Route post(String template) {
        return new Route("POST", template);
    }

    private static Route put(String template) {
        return new Route("PUT", template);
    }

    private static Route delete(String template) {
        return new Route("DELETE", template);
    }
}
