package dev.stackwatch.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stackwatch.BuildInfo;
import dev.stackwatch.api.ApiErrors;
import dev.stackwatch.api.ApiRoute;
import dev.stackwatch.api.ApiRoutes;
import dev.stackwatch.api.CatalogHandlers;
import dev.stackwatch.api.InferenceHandlers;
import dev.stackwatch.api.Json;
import dev.stackwatch.api.JsonBodyReader;
import dev.stackwatch.api.JsonResponses;
import dev.stackwatch.api.RequestParser;
import dev.stackwatch.config.ModelConfig;
import dev.stackwatch.config.RunConfig;
import dev.stackwatch.config.ServerConfig;
import dev.stackwatch.health.HealthEndpoints;
import dev.stackwatch.inference.InferenceObserver;
import dev.stackwatch.inference.InferenceProvider;
import dev.stackwatch.inference.Model;
import dev.stackwatch.inference.ModelCatalog;
import dev.stackwatch.inference.ObservedProvider;
import dev.stackwatch.provider.ProviderTypes;
import dev.stackwatch.security.EdgeSecurity;
import dev.stackwatch.security.LimitsConfig;
import io.helidon.http.Method;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one place Stackwatch is wired together, by hand: config to providers to catalog to routes to listeners.
 * Reading this class top to bottom tells what runs and in which order.
 */
public final class StackwatchServer implements AutoCloseable {
    private static final String MANAGEMENT_SOCKET = "management";

    private final WebServer web;
    private final ModelCatalog catalog;
    private final boolean separateManagement;

    private StackwatchServer(WebServer web, ModelCatalog catalog, boolean separateManagement) {
        this.web = web;
        this.catalog = catalog;
        this.separateManagement = separateManagement;
    }

    public static StackwatchServer start(RunConfig config) {
        ObjectMapper json = Json.newMapper();
        BuildInfo build = BuildInfo.load();
        ServerConfig server = config.server();

        List<InferenceObserver> observers = List.of();
        ProviderTypes types = ProviderTypes.builtIn();
        List<InferenceProvider> providers = config.inferenceProviders().stream()
                .<InferenceProvider>map(p -> new ObservedProvider(types.create(p, config.models()), observers))
                .toList();
        ModelCatalog catalog = new ModelCatalog(providers, config.models().stream().map(StackwatchServer::model).toList());

        JsonResponses responses = new JsonResponses(json);
        LimitsConfig limits = server.security().limits();
        InferenceHandlers inference = new InferenceHandlers(catalog,
                new JsonBodyReader(json, server.maxRequestBodyBytes(), limits.readTimeout()),
                new RequestParser(limits.maxMessages(), limits.maxTokens()), json);
        CatalogHandlers catalogHandlers = new CatalogHandlers(catalog, build.version(),
                InferenceProvider::checkHealth, responses);
        ApiRoutes api = new ApiRoutes(inference, catalogHandlers,
                providers.stream().map(InferenceProvider::type).distinct().toList(), responses);

        EdgeSecurity security = new EdgeSecurity(server.security(), json);
        HttpRouting.Builder apiRouting = HttpRouting.builder();
        new ApiErrors(json).register(apiRouting);
        security.registerApi(apiRouting, api.routes().stream()
                .filter(r -> r.inference() && r.method().equals(Method.POST))
                .map(ApiRoute::template).collect(Collectors.toSet()));
        HttpRouting.Builder managementRouting = HttpRouting.builder();
        security.registerManagement(managementRouting);
        new HealthEndpoints(responses).register(managementRouting);

        boolean hasManagement = server.managementPort() != ServerConfig.NO_MANAGEMENT;
        // Equal non-zero ports share one listener; 0 means "any free port" for each.
        boolean separateManagement = hasManagement && (server.managementPort() != server.port() || server.port() == 0);
        if (hasManagement && !separateManagement) {
            security.guardManagement(apiRouting);
            new HealthEndpoints(responses).register(apiRouting);
        }
        api.register(apiRouting);

        WebServerConfig.Builder builder = WebServer.builder()
                .shutdownHook(false)
                .host(server.host())
                .port(server.port())
                .routing(apiRouting);
        security.configureListener(builder, true);
        if (separateManagement) {
            builder.putSocket(MANAGEMENT_SOCKET, socket -> {
                socket.host(server.host())
                        .port(server.managementPort())
                        .routing(managementRouting);
                security.configureListener(socket, false);
            });
        }
        catalog.loadAllInBackground();
        WebServer web = builder.build().start();
        return new StackwatchServer(web, catalog, separateManagement);
    }

    private static Model model(ModelConfig m) {
        ObjectNode metadata = m.metadata().raw() instanceof ObjectNode o ? o.deepCopy() : JsonNodeFactory.instance.objectNode();
        return new Model(m.modelId(), m.providerId(), m.providerModelId(), m.modelType(), metadata);
    }

    public int port() {
        return web.port();
    }

    /** The management port; the API port when both share one listener. */
    public int managementPort() {
        return separateManagement ? web.port(MANAGEMENT_SOCKET) : web.port();
    }

    public ModelCatalog catalog() {
        return catalog;
    }

    @Override
    public void close() {
        web.stop();
        catalog.providers().forEach(InferenceProvider::close);
    }
}
