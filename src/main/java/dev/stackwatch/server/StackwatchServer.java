package dev.stackwatch.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stackwatch.BuildInfo;
import dev.stackwatch.api.ApiErrors;
import dev.stackwatch.api.ApiRoute;
import dev.stackwatch.api.ApiRoutes;
import dev.stackwatch.api.CatalogHandlers;
import dev.stackwatch.api.DrainFilter;
import dev.stackwatch.api.InferenceHandlers;
import dev.stackwatch.api.JsonBodyReader;
import dev.stackwatch.api.JsonResponses;
import dev.stackwatch.api.RequestParser;
import dev.stackwatch.api.ResponsesHandler;
import dev.stackwatch.config.ModelConfig;
import dev.stackwatch.config.ProviderConfig;
import dev.stackwatch.config.RunConfig;
import dev.stackwatch.config.ServerConfig;
import dev.stackwatch.config.security.ApiKey;
import dev.stackwatch.config.security.LimitsConfig;
import dev.stackwatch.console.ConsoleEndpoints;
import dev.stackwatch.console.ConsoleSampler;
import dev.stackwatch.console.ErrorRecordingObserver;
import dev.stackwatch.console.HttpErrorFilter;
import dev.stackwatch.console.RecentErrors;
import dev.stackwatch.console.RegistryText;
import dev.stackwatch.deadline.DeadlineTimer;
import dev.stackwatch.exchange.Exchange;
import dev.stackwatch.health.HealthEndpoints;
import dev.stackwatch.health.HealthMonitor;
import dev.stackwatch.health.ProviderHealthChecks;
import dev.stackwatch.health.Watchdog;
import dev.stackwatch.inference.InferenceObserver;
import dev.stackwatch.inference.InferenceProvider;
import dev.stackwatch.inference.Model;
import dev.stackwatch.inference.ModelCatalog;
import dev.stackwatch.inference.ModelDiscovery;
import dev.stackwatch.inference.ModelState;
import dev.stackwatch.inference.ObservedProvider;
import dev.stackwatch.inference.UpstreamStatus;
import dev.stackwatch.lifecycle.Lifecycle;
import dev.stackwatch.provider.ProviderTypes;
import dev.stackwatch.provider.http.UpstreamTransport;
import dev.stackwatch.provider.simulator.SimulatorProvider;
import dev.stackwatch.provider.simulator.distribution.SimulatedDistribution;
import dev.stackwatch.security.EdgeSecurity;
import dev.stackwatch.telemetry.TelemetrySettings;
import dev.stackwatch.telemetry.logging.AccessLogFilter;
import dev.stackwatch.telemetry.logging.AccessLogObserver;
import dev.stackwatch.telemetry.logging.LoggerEndpoints;
import dev.stackwatch.telemetry.logging.RequestIdFilter;
import dev.stackwatch.telemetry.metrics.CountingConnectionSelector;
import dev.stackwatch.telemetry.metrics.HttpMetricsFilter;
import dev.stackwatch.telemetry.metrics.MetricSink;
import dev.stackwatch.telemetry.metrics.Metrics;
import dev.stackwatch.telemetry.metrics.MetricsEndpoint;
import dev.stackwatch.telemetry.metrics.MetricsObserver;
import dev.stackwatch.telemetry.metrics.ObserverFailureCounter;
import dev.stackwatch.telemetry.metrics.PrometheusSink;
import dev.stackwatch.telemetry.metrics.StateSignals;
import dev.stackwatch.telemetry.metrics.otlp.OtlpMetrics;
import dev.stackwatch.telemetry.tracing.CallerTraceFilter;
import dev.stackwatch.telemetry.tracing.Tracing;
import dev.stackwatch.usage.QuotaFilter;
import dev.stackwatch.usage.QuotaKeeper;
import dev.stackwatch.usage.UsageEndpoints;
import dev.stackwatch.usage.UsageObserver;
import dev.stackwatch.wire.Json;
import io.helidon.http.Method;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.event.Level;

/**
 * The one place Stackwatch is wired together, by hand: config to providers to catalog to routes to listeners.
 * Reading this class top to bottom tells what runs and in which order.
 */
public final class StackwatchServer implements AutoCloseable {
    private static final String MANAGEMENT_SOCKET = "management";
    /** Where the management endpoints live, for telling them apart when they share the API's port. */
    private static final List<String> MANAGEMENT_PREFIXES = Stream.concat(HealthEndpoints.PATHS.stream(),
            Stream.of(MetricsEndpoint.PATH, ConsoleEndpoints.PATH, LoggerEndpoints.PATH, UsageEndpoints.PATH)).toList();
    /** Well below Kubernetes' 5 s liveness timeout: a scheduler this slow to start a task is wedged. */
    private static final Duration WATCHDOG_BOUND = Duration.ofSeconds(1);
    /** After the drain deadline, time for cancelled streams to send their error event before the listeners close. */
    private static final Duration CANCEL_GRACE = Duration.ofSeconds(1);
    /** Enough for the console's "last errors" table; older ones are in the logs. */
    private static final int RECENT_ERRORS = 50;
    /**
     * The buffer behind a streamed response, held for the stream's whole life (Helidon's default is 4 KB). An SSE event
     * is a few hundred bytes and is flushed on its own; larger writes (relayed upstream reads) bypass the buffer.
     */
    private static final int STREAM_WRITE_BUFFER_BYTES = 1024;

    private final WebServer web;
    private final ModelCatalog catalog;
    private final HealthMonitor health;
    private final Lifecycle lifecycle;
    private final ModelDiscovery discovery;
    private final Duration drainTimeout;
    private final boolean separateManagement;
    private final Optional<Tracing> tracing;
    private final Optional<OtlpMetrics> otlpMetrics;
    private final UpstreamTransport upstreams;
    private final List<Filter> apiFilters;
    private final QuotaKeeper quotas;

    private StackwatchServer(WebServer web, ModelCatalog catalog, HealthMonitor health, Lifecycle lifecycle,
                             ModelDiscovery discovery, Duration drainTimeout, boolean separateManagement,
                             Optional<Tracing> tracing, Optional<OtlpMetrics> otlpMetrics,
                             UpstreamTransport upstreams, List<Filter> apiFilters, QuotaKeeper quotas) {
        this.web = web;
        this.catalog = catalog;
        this.health = health;
        this.lifecycle = lifecycle;
        this.discovery = discovery;
        this.drainTimeout = drainTimeout;
        this.separateManagement = separateManagement;
        this.tracing = tracing;
        this.otlpMetrics = otlpMetrics;
        this.upstreams = upstreams;
        this.apiFilters = apiFilters;
        this.quotas = quotas;
    }

    public static StackwatchServer start(RunConfig config) {
        return start(config, TelemetrySettings.DEFAULTS, List.of());
    }

    public static StackwatchServer start(RunConfig config, List<Filter> apiFilters) {
        return start(config, TelemetrySettings.DEFAULTS, apiFilters);
    }

    /** {@code apiFilters} run before the API routes; the standalone simulator adds its fault injection this way. */
    public static StackwatchServer start(RunConfig config, TelemetrySettings telemetry, List<Filter> apiFilters) {
        HelidonServices.install();
        ServerConfig server = config.server();
        ListenerFailure.checkFree(server, separateManagement(server));
        Telemetry seen = telemetry(config, telemetry);
        Inference inference = inference(config, seen);
        Routing routing = routing(config, telemetry, seen, inference, apiFilters);
        return listen(server, seen, inference, routing);
    }

    /** What measures: metrics and their outputs, spans, quotas, and the observers around every provider call. */
    private record Telemetry(BuildInfo build, List<Model> models, Metrics metrics, MetricSink sink,
                             Optional<Tracing> tracing, Optional<OtlpMetrics> otlp, QuotaKeeper quotas,
                             RecentErrors recentErrors, List<InferenceObserver> observers,
                             ObserverFailureCounter observerFailures) {}

    private static Telemetry telemetry(RunConfig config, TelemetrySettings telemetry) {
        BuildInfo build = BuildInfo.load();
        ServerConfig server = config.server();
        List<Model> models = config.models().stream().map(StackwatchServer::model).toList();
        Metrics metrics = new Metrics(new PrometheusRegistry(), build, models,
                server.security().auth().apiKeys().stream().map(ApiKey::name).collect(Collectors.toSet()));
        QuotaKeeper quotas = QuotaKeeper.create(server.usage(), metrics);
        Optional<Tracing> tracing = telemetry.tracing()
                .map(t -> Tracing.start(t, () -> metrics.exportFailed("traces")));
        // Each measurement is taken once and recorded into every output: the registry always (the console reads it,
        // /metrics serves it when asked for), and the OTLP push when it is on.
        Optional<OtlpMetrics> otlpMetrics = telemetry.metrics().otlp().map(otlp -> OtlpMetrics.start(otlp,
                models.stream().map(Model::id).collect(Collectors.toSet()), () -> metrics.exportFailed("metrics")));
        MetricSink metricSink = MetricSink.of(Stream.concat(Stream.<MetricSink>of(new PrometheusSink(metrics)),
                otlpMetrics.map(OtlpMetrics::sink).stream()).toList());
        RecentErrors recentErrors = new RecentErrors(RECENT_ERRORS);
        // Observers start in this order and end in reverse: the GenAI span is current while the others record, so
        // metric exemplars carry its trace id.
        List<InferenceObserver> observers = new ArrayList<>();
        tracing.ifPresent(t -> observers.add(t.observer()));
        observers.add(new AccessLogObserver(telemetry.logs().logPrompts()));
        observers.add(new MetricsObserver(metrics, metricSink));
        observers.add(new UsageObserver(quotas, metrics));
        observers.add(new ErrorRecordingObserver(recentErrors));
        return new Telemetry(build, models, metrics, metricSink, tracing, otlpMetrics, quotas, recentErrors,
                List.copyOf(observers), new ObserverFailureCounter(metrics));
    }

    /**
     * The providers behind their decorator, the catalog of models they serve, and their health; {@code upstreams}
     * holds the read timer every deadline of the server runs on.
     */
    private record Inference(UpstreamTransport upstreams, Lifecycle lifecycle, List<InferenceProvider> providers,
                             Optional<Handler> relay, ModelCatalog catalog, HealthMonitor health) {}

    private static Inference inference(RunConfig config, Telemetry seen) {
        ServerConfig server = config.server();
        // Client reads (headers, bodies) and upstream reads are timed by deadlines on one timer thread.
        DeadlineTimer deadlines = new DeadlineTimer("read-deadlines");
        UpstreamTransport upstreams = new UpstreamTransport(deadlines);
        ProviderTypes types = ProviderTypes.builtIn(upstreams);
        Lifecycle lifecycle = new Lifecycle();
        List<ObservedProvider> observed = config.inferenceProviders().stream()
                .map(p -> new ObservedProvider(types.create(p, config.models()), seen.observers(),
                        seen.observerFailures(), lifecycle::failureOnThisThread)).toList();
        List<InferenceProvider> providers = List.copyOf(observed);
        // The first upstream LlamaStack that relays routes gets every route Stackwatch does not serve itself; its
        // Responses calls are observed through the same decorator as its chat calls.
        Optional<Handler> relay = observed.stream()
                .flatMap(p -> p.distributionRelay(server.maxRequestBodyBytes(), p).stream())
                .findFirst();
        ModelCatalog catalog = new ModelCatalog(providers, seen.models());
        Set<String> requiredProviders = config.inferenceProviders().stream().filter(ProviderConfig::required)
                .map(ProviderConfig::providerId).collect(Collectors.toSet());
        HealthMonitor health = new HealthMonitor(catalog, new ProviderHealthChecks(providers, server.health()),
                requiredProviders, lifecycle::isDraining, Watchdog.virtualThreads(WATCHDOG_BOUND),
                List.of(seen.quotas().watch()::check));
        seen.metrics().watch(new StateSignals(health::isReady, providers.stream().map(InferenceProvider::id).toList(),
                provider -> health.providerHealth(provider).isOk(),
                model -> catalog.state(model) instanceof ModelState.Ready,
                provider -> catalog.provider(provider).flatMap(InferenceProvider::upstreamStatus)
                        .map(UpstreamStatus::circuitState)));
        return new Inference(upstreams, lifecycle, providers, relay, catalog, health);
    }

    /** Both listeners' routes: the API's behind its one ordered chain, and the management endpoints. */
    private record Routing(HttpRouting.Builder api, HttpRouting.Builder management, ApiChain chain,
                           EdgeSecurity security, CountingConnectionSelector connections) {}

    private static Routing routing(RunConfig config, TelemetrySettings telemetry, Telemetry seen, Inference inference,
                                   List<Filter> apiFilters) {
        ServerConfig server = config.server();
        ObjectMapper json = Json.newMapper();
        Metrics metrics = seen.metrics();
        ModelCatalog catalog = inference.catalog();
        DeadlineTimer deadlines = inference.upstreams().deadlines();
        JsonResponses responses = new JsonResponses(json);
        LimitsConfig limits = server.security().limits();
        JsonBodyReader bodies = new JsonBodyReader(server.maxRequestBodyBytes(), limits.readTimeout(),
                limits.maxJsonDepth(), deadlines);
        InferenceHandlers handlers = new InferenceHandlers(catalog, bodies,
                new RequestParser(limits.maxMessages(), limits.maxTokens(), limits.maxEmbeddingInputs(),
                        limits.maxEmbeddingInputChars()), json, responses);
        // Without an upstream LlamaStack, a simulator configured with `distribution: true` answers the rest of the API.
        Optional<Handler> passthrough = inference.relay().isPresent() ? inference.relay() : inference.providers()
                .stream()
                .filter(InferenceProvider::simulatesDistribution)
                .findFirst()
                .map(s -> new SimulatedDistribution(finished -> new ResponsesHandler(catalog, bodies, json, responses,
                        finished), bodies, responses, json, SimulatorProvider.MAX_UPLOAD_BYTES,
                        seen.build().version()));
        CatalogHandlers catalogHandlers = new CatalogHandlers(catalog, seen.build().version(),
                p -> inference.health().providerHealth(p.id()), responses);
        ApiRoutes api = new ApiRoutes(handlers, catalogHandlers,
                inference.providers().stream().map(InferenceProvider::type).distinct().toList(), responses,
                passthrough);
        boolean tlsOn = server.security().tls().isPresent();
        // Refusals Helidon makes before routing reach no filter: they are counted and logged as they are made.
        EdgeSecurity security = new EdgeSecurity(server.security(), json, deadlines, (method, status, bytes, limit) -> {
            // Never in flight and no duration to speak of, but counted in every output like a routed request.
            seen.sink().requestStarted(method, tlsOn);
            seen.sink().requestFinished(method, tlsOn, Exchange.UNMATCHED_ROUTE, status, 0);
            limit.ifPresent(metrics::limitRefused);
            AccessLogFilter.logRefusedBeforeRouting(method, status, bytes);
        });
        // Each connection's life is counted, and a request can end its connection after its response.
        CountingConnectionSelector connections = new CountingConnectionSelector(metrics, security.http1(),
                security::reportHeaderTimeout, deadlines);
        ApiErrors errors = new ApiErrors(responses, connections::closeCurrentAfterResponse);
        boolean sharedManagement = server.managementPort() != ServerConfig.NO_MANAGEMENT && !separateManagement(server);

        // Probes and scrapes are access-logged at debug only: at info they would drown the API's lines.
        HttpRouting.Builder managementRouting = HttpRouting.builder().addFilter(new AccessLogFilter(Level.DEBUG));
        security.registerManagement(managementRouting, errors);
        List<Consumer<HttpRouting.Builder>> managementEndpoints = new ArrayList<>();
        managementEndpoints.add(new HealthEndpoints(inference.health(), responses)::register);
        if (telemetry.metrics().prometheus()) {
            managementEndpoints.add(new MetricsEndpoint(metrics.registry())::register);
        }
        managementEndpoints.add(new ConsoleEndpoints(
                new ConsoleSampler(new RegistryText(metrics.registry()), seen.recentErrors()), responses)::register);
        managementEndpoints.add(new LoggerEndpoints(json, responses)::register);
        managementEndpoints.add(new UsageEndpoints(seen.quotas(), server.security().auth(),
                new RegistryText(metrics.registry()), responses)::register);
        managementEndpoints.forEach(endpoints -> endpoints.accept(managementRouting));

        // A draining server refuses new requests (traced, logged and counted by the filters before it) and counts
        // every request it admits; probes and scrapes on a shared port must keep answering while it drains.
        Predicate<String> managementOnApiPort = path -> sharedManagement
                && MANAGEMENT_PREFIXES.stream().anyMatch(path::startsWith);
        Set<String> inferencePosts = api.routes().stream()
                .filter(r -> r.inference() && r.method().equals(Method.POST))
                .map(ApiRoute::template).collect(Collectors.toSet());
        // With tracing off, the caller's trace id still reaches the logs and x-trace-id.
        ApiChain chain = new ApiChain(Exchange.filter(), new RequestIdFilter(),
                seen.tracing().<Filter>map(Tracing::filter).orElseGet(CallerTraceFilter::new),
                new AccessLogFilter(Level.INFO, managementOnApiPort),
                new HttpMetricsFilter(metrics, seen.sink(), inferencePosts, managementOnApiPort),
                new HttpErrorFilter(seen.recentErrors()), errors.boundary(), api.labels(),
                new DrainFilter(inference.lifecycle(), sharedManagement ? managementPaths() : Set.of(), connections),
                Stream.concat(security.apiFilters(inferencePosts,
                                List.of(new QuotaFilter(seen.quotas(), inferencePosts))).stream(),
                        sharedManagement ? Stream.of(security.managementGuard(errors)) : Stream.empty()).toList(),
                apiFilters);
        HttpRouting.Builder apiRouting = HttpRouting.builder();
        chain.filters().forEach(apiRouting::addFilter);
        errors.register(apiRouting);
        if (sharedManagement) {
            managementEndpoints.forEach(endpoints -> endpoints.accept(apiRouting));
        }
        api.register(apiRouting, errors);
        return new Routing(apiRouting, managementRouting, chain, security, connections);
    }

    /** Binds the listeners, starts the background work, and returns the running server. */
    private static StackwatchServer listen(ServerConfig server, Telemetry seen, Inference inference,
                                           Routing routing) {
        EdgeSecurity security = routing.security();
        boolean separateManagement = separateManagement(server);
        WebServerConfig.Builder builder = WebServer.builder()
                .shutdownHook(false)
                // The one server feature on the class path is the service registry's request scope, which nothing
                // here uses; looking it up is start-up time spent for nothing.
                .featuresDiscoverServices(false)
                .host(server.host())
                .port(server.port())
                .writeBufferSize(STREAM_WRITE_BUFFER_BYTES)
                // Helidon's NIO socket holds a read and a write buffer of 8 KB each for the connection's life (and
                // copies every write through the second); the plain socket reads into one and writes straight out.
                .useNio(false)
                .addConnectionSelector(routing.connections())
                .routing(routing.api());
        security.configureListener(builder, true);
        if (separateManagement) {
            builder.putSocket(MANAGEMENT_SOCKET, socket -> {
                socket.host(server.host())
                        .port(server.managementPort())
                        .addProtocol(security.http1())
                        .routing(routing.management());
                security.configureListener(socket, false);
            });
        }
        ModelCatalog catalog = inference.catalog();
        catalog.loadAllInBackground();
        // Discovery asks the providers themselves (past the decorator) and registers into the catalog (observed ones).
        ModelDiscovery discovery = new ModelDiscovery(catalog, inference.providers());
        inference.health().start();
        seen.metrics().awaitJvmMetrics();
        WebServer web = builder.build().start();
        StackwatchServer started = new StackwatchServer(web, catalog, inference.health(), inference.lifecycle(),
                discovery, server.drainTimeout(), separateManagement, seen.tracing(), seen.otlp(),
                inference.upstreams(), routing.chain().filters(), seen.quotas());
        if (!web.isRunning()) {
            // Helidon logs the bind failure and stops, but start() returns normally: without this check the
            // process would carry on serving nothing.
            started.close();
            throw ListenerFailure.describe(server, separateManagement);
        }
        return started;
    }

    /** Equal non-zero ports share one listener; 0 means "any free port" for each. */
    private static boolean separateManagement(ServerConfig server) {
        return server.managementPort() != ServerConfig.NO_MANAGEMENT
                && (server.managementPort() != server.port() || server.port() == 0);
    }

    private static Set<String> managementPaths() {
        return Stream.concat(HealthEndpoints.PATHS.stream(), Stream.of(MetricsEndpoint.PATH)).collect(Collectors.toSet());
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

    /** The API's filters in the order they run, as installed: for the test that keeps the order. */
    List<Filter> apiFilters() {
        return apiFilters;
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
        discovery.close();
        health.close();
        web.stop();
        catalog.providers().forEach(InferenceProvider::close);
        upstreams.close();
        // After the listeners stopped, so the last push carries every request served.
        otlpMetrics.ifPresent(OtlpMetrics::close);
        tracing.ifPresent(Tracing::close);
        upstreams.deadlines().close();
        quotas.close();
    }
}
