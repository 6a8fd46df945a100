package dev.stackwatch.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stackwatch.BuildInfo;
import dev.stackwatch.api.ApiErrors;
import dev.stackwatch.api.ApiRoutes;
import dev.stackwatch.api.CatalogHandlers;
import dev.stackwatch.api.DrainFilter;
import dev.stackwatch.api.InferenceHandlers;
import dev.stackwatch.api.Json;
import dev.stackwatch.api.JsonBodyReader;
import dev.stackwatch.api.JsonResponses;
import dev.stackwatch.config.ModelConfig;
import dev.stackwatch.config.RunConfig;
import dev.stackwatch.config.ServerConfig;
import dev.stackwatch.health.HealthEndpoints;
import dev.stackwatch.health.HealthMonitor;
import dev.stackwatch.health.ProviderHealthChecks;
import dev.stackwatch.health.Watchdog;
import dev.stackwatch.inference.InferenceObserver;
import dev.stackwatch.inference.InferenceProvider;
import dev.stackwatch.inference.Model;
import dev.stackwatch.inference.ModelCatalog;
import dev.stackwatch.inference.ObservedProvider;
import dev.stackwatch.provider.ProviderTypes;
import dev.stackwatch.server.lifecycle.Lifecycle;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.HttpRouting;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The one place Stackwatch is wired together, by hand: config to providers to catalog to routes to listeners.
 * Reading this class top to bottom tells what runs and in which order.
 */
public final class StackwatchServer implements AutoCloseable {
    private static final String MANAGEMENT_SOCKET = "management";
    /** Well below Kubernetes' 5 s liveness timeout: a scheduler this slow to start a task is wedged. */
    private static final Duration WATCHDOG_BOUND = Duration.ofSeconds(1);
    /** After the drain deadline, time for cancelled streams to send their error event before the listeners close. */
    private static final Duration CANCEL_GRACE = Duration.ofSeconds(1);

    private final WebServer web;
    private final ModelCatalog catalog;
    private final HealthMonitor health;
    private final Lifecycle lifecycle;
    private final Duration drainTimeout;
    private final boolean separateManagement;

    private StackwatchServer(WebServer web, ModelCatalog catalog, HealthMonitor health, Lifecycle lifecycle,
                             Duration drainTimeout, boolean separateManagement) {
        this.web = web;
        this.catalog = catalog;
        this.health = health;
        this.lifecycle = lifecycle;
        this.drainTimeout = drainTimeout;
        this.separateManagement = separateManagement;
    }

    public static StackwatchServer start(RunConfig config) {
        return start(config, List.of());
    }

    /** {@code apiFilters} run before the API routes; the standalone simulator adds its fault injection this way. */
    public static StackwatchServer start(RunConfig config, List<Filter> apiFilters) {
        ObjectMapper json = Json.newMapper();
        BuildInfo build = BuildInfo.load();
        ServerConfig server = config.server();

        List<InferenceObserver> observers = List.of();
        ProviderTypes types = ProviderTypes.builtIn();
        List<InferenceProvider> providers = config.inferenceProviders().stream()
                .<InferenceProvider>map(p -> new ObservedProvider(types.create(p, config.models()), observers))
                .toList();
        ModelCatalog catalog = new ModelCatalog(providers, config.models().stream().map(StackwatchServer::model).toList());

        Lifecycle lifecycle = new Lifecycle();
        HealthMonitor health = new HealthMonitor(catalog, new ProviderHealthChecks(providers, server.health()),
                lifecycle::isDraining, Watchdog.virtualThreads(WATCHDOG_BOUND));

        JsonResponses responses = new JsonResponses(json);
        InferenceHandlers inference = new InferenceHandlers(catalog,
                new JsonBodyReader(json, server.maxRequestBodyBytes()), json);
        CatalogHandlers catalogHandlers = new CatalogHandlers(catalog, build.version(),
                p -> health.providerHealth(p.id()), responses);
        ApiRoutes api = new ApiRoutes(inference, catalogHandlers,
                providers.stream().map(InferenceProvider::type).distinct().toList(), responses);

        boolean hasManagement = server.managementPort() != ServerConfig.NO_MANAGEMENT;
        // Equal non-zero ports share one listener; 0 means "any free port" for each.
        boolean separateManagement = hasManagement && (server.managementPort() != server.port() || server.port() == 0);
        boolean sharedManagement = hasManagement && !separateManagement;

        HttpRouting.Builder apiRouting = HttpRouting.builder();
        // First filter: a draining server refuses before anything else runs, and counts every request it admits.
        apiRouting.addFilter(new DrainFilter(lifecycle, sharedManagement ? HealthEndpoints.PATHS : Set.of()));
        apiFilters.forEach(apiRouting::addFilter);
        new ApiErrors(json).register(apiRouting);
        HttpRouting.Builder managementRouting = HttpRouting.builder();
        HealthEndpoints probes = new HealthEndpoints(health, responses);
        probes.register(managementRouting);
        if (sharedManagement) {
            probes.register(apiRouting);
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
        health.start();
        WebServer web = builder.build().start();
        return new StackwatchServer(web, catalog, health, lifecycle, server.drainTimeout(), separateManagement);
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

    /**
     * Graceful stop: readiness fails and new API requests are refused at once, running ones get the drain timeout to
     * finish, streams still open then end with an SSE error event, and only then do the listeners close.
     */
    @Override
    public void close() {
        lifecycle.drain(drainTimeout, CANCEL_GRACE);
        health.close();
        web.stop();
        catalog.providers().forEach(InferenceProvider::close);
    }
}
