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
import dev.stackwatch.console.ConsoleEndpoints;
import dev.stackwatch.console.ConsoleSampler;
import dev.stackwatch.console.ErrorRecordingObserver;
import dev.stackwatch.console.HttpErrorFilter;
import dev.stackwatch.console.RecentErrors;
import dev.stackwatch.console.RegistryText;
import dev.stackwatch.health.HealthEndpoints;
import dev.stackwatch.inference.InferenceObserver;
import dev.stackwatch.inference.InferenceProvider;
import dev.stackwatch.inference.Model;
import dev.stackwatch.inference.ModelCatalog;
import dev.stackwatch.inference.ModelState;
import dev.stackwatch.inference.ObservedProvider;
import dev.stackwatch.provider.ProviderTypes;
import dev.stackwatch.telemetry.metrics.CountingConnectionSelector;
import dev.stackwatch.telemetry.metrics.HttpMetricsFilter;
import dev.stackwatch.telemetry.metrics.Metrics;
import dev.stackwatch.telemetry.metrics.MetricsEndpoint;
import dev.stackwatch.telemetry.metrics.MetricsObserver;
import dev.stackwatch.telemetry.metrics.StateSignals;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;

/**
 * The one place Stackwatch is wired together, by hand: config to providers to catalog to routes to listeners.
 * Reading this class top to bottom tells what runs and in which order.
 */
public final class StackwatchServer implements AutoCloseable {
    private static final String MANAGEMENT_SOCKET = "management";
    /** Enough for the console's "last errors" table; older ones are in the logs. */
    private static final int RECENT_ERRORS = 50;

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

        List<Model> models = config.models().stream().map(StackwatchServer::model).toList();
        Metrics metrics = new Metrics(new PrometheusRegistry(), build, models);
        RecentErrors recentErrors = new RecentErrors(RECENT_ERRORS);
        List<InferenceObserver> observers = List.of(new MetricsObserver(metrics),
                new ErrorRecordingObserver(recentErrors));
        ProviderTypes types = ProviderTypes.builtIn();
        List<InferenceProvider> providers = config.inferenceProviders().stream()
                .<InferenceProvider>map(p -> new ObservedProvider(types.create(p, config.models()), observers))
                .toList();
        ModelCatalog catalog = new ModelCatalog(providers, models);
        // Until the background health monitor lands: ready when any model is, and every provider counts as healthy.
        metrics.watch(new StateSignals(catalog::anyReady, providers.stream().map(InferenceProvider::id).toList(),
                provider -> true, model -> catalog.state(model) instanceof ModelState.Ready));

        JsonResponses responses = new JsonResponses(json);
        InferenceHandlers inference = new InferenceHandlers(catalog,
                new JsonBodyReader(json, server.maxRequestBodyBytes()), json);
        CatalogHandlers catalogHandlers = new CatalogHandlers(catalog, build.version(),
                InferenceProvider::checkHealth, responses);
        ApiRoutes api = new ApiRoutes(inference, catalogHandlers,
                providers.stream().map(InferenceProvider::type).distinct().toList(), responses);

        HttpRouting.Builder apiRouting = HttpRouting.builder();
        apiRouting.addFilter(new HttpMetricsFilter(metrics));
        apiRouting.addFilter(new HttpErrorFilter(recentErrors));
        new ApiErrors(json).register(apiRouting);
        HttpRouting.Builder managementRouting = HttpRouting.builder();
        new HealthEndpoints(responses).register(managementRouting);
        MetricsEndpoint metricsEndpoint = new MetricsEndpoint(metrics.registry());
        metricsEndpoint.register(managementRouting);
        ConsoleEndpoints console = new ConsoleEndpoints(
                new ConsoleSampler(new RegistryText(metrics.registry()), recentErrors), responses);
        console.register(managementRouting);

        boolean hasManagement = server.managementPort() != ServerConfig.NO_MANAGEMENT;
        // Equal non-zero ports share one listener; 0 means "any free port" for each.
        boolean separateManagement = hasManagement && (server.managementPort() != server.port() || server.port() == 0);
        if (hasManagement && !separateManagement) {
            new HealthEndpoints(responses).register(apiRouting);
            metricsEndpoint.register(apiRouting);
            console.register(apiRouting);
        }
        api.register(apiRouting);

        WebServerConfig.Builder builder = WebServer.builder()
                .shutdownHook(false)
                .host(server.host())
                .port(server.port())
                // Nagle's algorithm holds back small SSE writes; streamed tokens must leave at once.
                .connectionOptions(o -> o.tcpNoDelay(true))
                .addConnectionSelector(new CountingConnectionSelector(metrics))
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
