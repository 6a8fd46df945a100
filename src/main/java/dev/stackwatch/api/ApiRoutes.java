package dev.stackwatch.api;

import dev.stackwatch.api.Payloads.DataList;
import dev.stackwatch.api.Payloads.RouteBody;
import dev.stackwatch.exchange.Exchange;
import dev.stackwatch.wire.ApiException;
import io.helidon.http.Method;
import io.helidon.http.PathMatcher;
import io.helidon.http.PathMatchers;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The API's route table: registers every route, 405 for a known path with the wrong method, 404 for the rest. */
public final class ApiRoutes {
    /** v0.2-era LlamaStack clients call the OpenAI-compatible routes under this prefix. */
    static final String OPENAI_PREFIX = "/v1/openai";

    private final List<ApiRoute> routes;
    private final List<String> providerTypes;
    private final JsonResponses responses;
    private final Optional<Handler> passthrough;

    /**
     * {@code passthrough}, when present, serves every other route under /v1, /v1alpha and /v1beta (an upstream
     * LlamaStack, or the simulator acting as one); otherwise 404.
     */
    public ApiRoutes(InferenceHandlers inference, CatalogHandlers catalog, List<String> providerTypes,
                     JsonResponses responses, Optional<Handler> passthrough) {
        this.providerTypes = List.copyOf(providerTypes);
        this.responses = responses;
        this.passthrough = passthrough;
        List<ApiRoute> table = new ArrayList<>(List.of(
                ApiRoute.get("/v1/health", catalog::health),
                ApiRoute.get("/v1/version", catalog::version),
                ApiRoute.get("/v1/providers", catalog::providers),
                ApiRoute.get("/v1/providers/{provider_id}", catalog::provider),
                ApiRoute.get("/v1/inspect/routes", this::inspect)));
        List<ApiRoute> openAi = List.of(
                ApiRoute.inference(Method.GET, "/v1/models", catalog::models),
                ApiRoute.inference(Method.GET, "/v1/models/{model_id}", catalog::model),
                ApiRoute.inference(Method.POST, "/v1/chat/completions", inference::chat),
                ApiRoute.inference(Method.POST, "/v1/completions", inference::completions),
                ApiRoute.inference(Method.POST, "/v1/embeddings", inference::embeddings));
        table.addAll(openAi);
        for (ApiRoute r : openAi) {
            table.add(ApiRoute.inference(r.method(), OPENAI_PREFIX + r.template(), r.handler()));
        }
        this.routes = List.copyOf(table);
    }

    public List<ApiRoute> routes() {
        return routes;
    }

    /**
     * Labels each request with the template of the route its path matches before any filter may refuse it, so a
     * refused request is counted under its route, not as {@value Exchange#UNMATCHED_ROUTE}: a route served here, else,
     * with a relay, the LlamaStack API's template. The route's handler labels it again.
     */
    public Filter labels() {
        Map<String, PathMatcher> matchers = new LinkedHashMap<>();
        routes.forEach(r -> matchers.putIfAbsent(r.template(), PathMatchers.create(r.pattern())));
        return (FilterChain chain, RoutingRequest req, RoutingResponse res) -> {
            Optional<String> template = matchers.entrySet().stream()
                    .filter(m -> m.getValue().match(req.prologue().uriPath()).accepted())
                    .map(Map.Entry::getKey).findFirst();
            if (template.isEmpty() && passthrough.isPresent()) {
                template = LlamaStackApi.template(req.path().rawPath());
            }
            template.ifPresent(Exchange.of(req)::routeMatched);
            chain.proceed();
        };
    }

    /** What a handler throws is answered by {@code errors} inside the measuring filters. */
    public void register(HttpRouting.Builder routing, ApiErrors errors) {
        for (ApiRoute r : routes) {
            String template = r.template();
            routing.route(r.method(), r.pattern(), (req, res) -> errors.guard(req, res, () -> {
                Exchange.of(req).routeMatched(template);
                handle(r.handler(), req, res);
            }));
        }
        Map<String, List<ApiRoute>> byPattern = routes.stream()
                .collect(Collectors.groupingBy(ApiRoute::pattern, LinkedHashMap::new, Collectors.toList()));
        byPattern.forEach((pattern, sameRoute) -> {
            String template = sameRoute.getFirst().template();
            String allowed = sameRoute.stream().map(r -> r.method().text()).collect(Collectors.joining(", "));
            routing.any(pattern, (req, res) -> errors.guard(req, res, () -> {
                Exchange.of(req).routeMatched(template);
                // The distribution serves more methods on some of these paths (GET /v1/chat/completions lists
                // stored completions): those are relayed.
                if (passthrough.isPresent() && LlamaStackApi.ROUTES.contains(
                        new LlamaStackApi.Route(req.prologue().method().text(), template))) {
                    relay(req, res);
                    return;
                }
                throw new ApiException(405, "invalid_request_error", "method_not_allowed", "method "
                        + req.prologue().method().text() + " is not allowed on " + template + " (allowed: " + allowed
                        + ")", null, Map.of("Allow", allowed));
            }));
        });
        routing.any((req, res) -> errors.guard(req, res, () -> {
            String path = req.path().rawPath();
            if (passthrough.isPresent() && LlamaStackApi.relayed(path)) {
                // The LlamaStack API's template; a path outside it matches none and is labelled "other", never raw.
                LlamaStackApi.template(path).ifPresent(Exchange.of(req)::routeMatched);
                relay(req, res);
                return;
            }
            throw ApiException.notFound("route_not_found", "no route " + req.prologue().method().text() + " "
                    + req.path().path() + "; see GET /v1/inspect/routes");
        }));
    }

    private void relay(ServerRequest req, ServerResponse res) {
        handle(passthrough.orElseThrow(), req, res);
    }

    /** Helidon handlers may throw checked exceptions; the guard takes a Runnable, so they travel unchecked. */
    private static void handle(Handler handler, ServerRequest req, ServerResponse res) {
        try {
            handler.handle(req, res);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void inspect(ServerRequest req, ServerResponse res) {
        List<RouteBody> body = routes.stream()
                .map(r -> new RouteBody(r.template(), r.method().text(), r.inference() ? providerTypes : List.of()))
                .toList();
        responses.send(res, new DataList<>(null, body));
    }
}
