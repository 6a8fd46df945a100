package dev.stackwatch.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stackwatch.BuildInfo;
import dev.stackwatch.api.ApiErrors;
import dev.stackwatch.api.ApiRoutes;
import dev.stackwatch.api.CatalogHandlers;
import dev.stackwatch.api.InferenceHandlers;
import dev.stackwatch.api.Json;
import dev.stackwatch.api.JsonBodyReader;
import dev.stackwatch.api.JsonResponses;
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
import dev.stackwatch.telemetry.RequestContextFilter;
import dev.stackwatch.telemetry.TelemetrySettings;
import dev.stackwatch.telemetry.logging.AccessLogFilter;
import dev.stackwatch.telemetry.logging.AccessLogObserver;
import dev.stackwatch.telemetry.logging.LoggerEndpoints;
import dev.stackwatch.telemetry.logging.RequestIdFilter;
import dev.stackwatch.telemetry.tracing.Tracing;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.event.Level;

/**
 * The one place Stackwatch is wired together, by hand: config to providers to catalog to routes to listeners.
 * Reading this class top to bottom tells what runs and in which order.
 */
public final class StackwatchServer implements AutoCloseable {
    private static final String MANAGEMENT_SOCKET = "management";

    private final WebServer web;
    private final ModelCatalog catalog;
    private final boolean separateManagement;
    private final Optional<Tracing> tracing;

    private StackwatchServer(WebServer web, ModelCatalog catalog, boolean separateManagement,
                             Optional<Tracing> tracing) {
        this.web = web;
        this.catalog = catalog;
        this.separateManagement = separateManagement;
        this.tracing = tracing;
    }

    public static StackwatchServer start(RunConfig config) {
        return start(config, TelemetrySettings.DEFAULTS);
    }

    public static StackwatchServer start(RunConfig config, TelemetrySettings telemetry) {
        ObjectMapper json = Json.newMapper();
        BuildInfo build = BuildInfo.load();
        ServerConfig server = config.server();
        Optional<Tracing> tracing = telemetry.tracing().map(Tracing::start);

        // Observers start in this order and end in reverse: the tracing span is current while the others record.
        List<InferenceObserver> observers = new ArrayList<>();
        tracing.ifPresent(t -> observers.add(t.observer()));
        observers.add(new AccessLogObserver(telemetry.logs().logPrompts()));
        ProviderTypes types = ProviderTypes.builtIn();
        List<InferenceProvider> providers = config.inferenceProviders().stream()
                .<InferenceProvider>map(p -> new ObservedProvider(types.create(p, config.models()), observers))
                .toList();
        ModelCatalog catalog = new ModelCatalog(providers, config.models().stream().map(StackwatchServer::model).toList());

        JsonResponses responses = new JsonResponses(json);
        InferenceHandlers inference = new InferenceHandlers(catalog,
                new JsonBodyReader(json, server.maxRequestBodyBytes()), json);
        CatalogHandlers catalogHandlers = new CatalogHandlers(catalog, build.version(),
                InferenceProvider::checkHealth, responses);
        ApiRoutes api = new ApiRoutes(inference, catalogHandlers,
                providers.stream().map(InferenceProvider::type).distinct().toList(), responses);

        // The API's filter chain, outermost first: request context, request id, server span, access log, then the
        // route's handler.
        HttpRouting.Builder apiRouting = HttpRouting.builder()
                .addFilter(new RequestContextFilter())
                .addFilter(new RequestIdFilter());
        tracing.ifPresent(t -> apiRouting.addFilter(t.filter()));
        apiRouting.addFilter(new AccessLogFilter(Level.INFO));
        new ApiErrors(json).register(apiRouting);
        HttpRouting.Builder managementRouting = HttpRouting.builder().addFilter(new AccessLogFilter(Level.DEBUG));
        new HealthEndpoints(responses).register(managementRouting);
        LoggerEndpoints loggers = new LoggerEndpoints(json, responses);
        loggers.register(managementRouting);

        boolean hasManagement = server.managementPort() != ServerConfig.NO_MANAGEMENT;
        // Equal non-zero ports share one listener; 0 means "any free port" for each.
        boolean separateManagement = hasManagement && (server.managementPort() != server.port() || server.port() == 0);
        if (hasManagement && !separateManagement) {
            new HealthEndpoints(responses).register(apiRouting);
            loggers.register(apiRouting);
        }
        api.register(apiRouting);

        WebServerConfig.Builder builder = WebServer.builder()
                .shutdownHook(false)
                .host(server.host())
                .port(server.port())
                // Nagle's algorithm holds back small SSE writes; streamed tokens must leave at once.
                .connectionOptions(o -> o.tcpNoDelay(true))
                .routing(apiRouting);
        if (separateManagement) {
            builder.putSocket(MANAGEMENT_SOCKET, socket -> socket
                    .host(server.host())
                    .port(server.managementPort())
                    .connectionOptions(o -> o.tcpNoDelay(true))
                    .routing(managementRouting));
        }
        catalog.loadAllInBackground();
        WebServer web = builder.build().start();
        return new StackwatchServer(web, catalog, separateManagement, tracing);
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
        tracing.ifPresent(Tracing::close);
    }
}
