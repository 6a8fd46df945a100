package dev.stackwatch.telemetry.metrics;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.stackwatch.BuildInfo;
import dev.stackwatch.config.usage.UsageConfig;
import dev.stackwatch.inference.CircuitState;
import dev.stackwatch.inference.FinishReason;
import dev.stackwatch.inference.Model;
import dev.stackwatch.inference.Operation;
import dev.stackwatch.inference.ProviderException;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryPoolAllocationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmNativeMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every Stackwatch metric, defined once: name, help, labels, buckets. This file is the contract that docs/metrics.md,
 * the alert rules and the dashboards are checked against; callers get typed handles and never spell a metric name.
 *
 * <p>Cardinality is bounded by construction: {@code model} and {@code provider} only ever take values from run.yaml
 * (anything else becomes {@value #OTHER}), {@code endpoint} is a route template, {@code method} one of the standard
 * methods, and every other label comes from an enum.
 */
public final class Metrics {
    /** The label value for anything outside the bounded set a label may take. */
    public static final String OTHER = "other";
    /** The {@code key} label of requests that carried no API key (auth off, or an open route). */

    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS",
            "TRACE", "CONNECT");

    private final FutureTask<Void> jvmMetrics;
    private final PrometheusRegistry registry;
    private final Map<String, String> providerOfModel;
    /** Label lookups resolved once per (model, operation, stream), so a token costs one histogram observation. */
    private final Map<SeriesKey, CallSeries> callSeries = new ConcurrentHashMap<>();

    private final Counter requests;
    private final Counter authFailures;
    private final Counter limitRefusals;
    private final Histogram requestDuration;
    private final Gauge activeConnections;
    private final Gauge requestsInFlight;
    private final Gauge modelLoadTime;
    private final Histogram inferenceLatency;
    private final Histogram timeToFirstToken;
    private final Histogram interTokenLatency;
    private final Counter tokens;
    private final Counter inferenceRequests;
    private final Counter providerErrors;
    private final Counter exportFailures;
    /** Configured API key names plus {@value UsageConfig#ANONYMOUS}: the only values the {@code key} label takes. */
    private final Set<String> keyNames;
    private final Counter keyRequests;
    private final Counter keyTokens;
    private final Counter spend;
    private final Counter quotaRefusals;
    private final Gauge quotaRemaining;
    private final Gauge quotaLimit;
    private final Counter quotaStoreErrors;
    private final Gauge quotaStoreUp;
    private final Counter telemetryErrors;

    private record SeriesKey(String model, Operation operation, boolean stream) {}

    /** Defines and registers everything except the state gauges, which {@link #watch} adds once their sources exist. */
    public Metrics(PrometheusRegistry registry, BuildInfo build, List<Model> models) {
        this(registry, build, models, Set.of());
    }

    /** {@code keyNames}: the configured API key names, bounding the {@code key} label. */
    public Metrics(PrometheusRegistry registry, BuildInfo build, List<Model> models, Set<String> keyNames) {
        this.registry = registry;
        this.keyNames = Set.copyOf(keyNames);
        this.providerOfModel = models.stream().collect(Collectors.toUnmodifiableMap(Model::id, Model::providerId));

        requests = counter("llamastack_requests_total",
                "HTTP requests served on the API port, by route template and status code",
                "method", "endpoint", "status");
        requestDuration = histogram("llamastack_request_duration_seconds",
                "Time from request received to last response byte written (streams included)",
                durationBuckets(), "method", "endpoint");
        activeConnections = gauge("llamastack_active_connections",
                "Open HTTP/1.1 client connections on the API port");
        requestsInFlight = gauge("llamastack_requests_in_flight",
                "API requests being served right now");
        modelLoadTime = Gauge.builder().name("llamastack_model_load_time_seconds")
                .help("Seconds the last load of a model took (successful or not; see llamastack_model_ready)")
                .unit(Unit.SECONDS).labelNames("model", "provider").register(registry);
        inferenceLatency = histogram("llamastack_inference_latency_seconds",
                "Time spent in the provider per call, until its last token or its failure",
                durationBuckets(), "model", "provider", "operation", "stream");
        timeToFirstToken = histogram("llamastack_time_to_first_token_seconds",
                "Time from the provider call starting to the first streamed token reaching the client",
                timeToFirstTokenBuckets(), "model", "provider", "operation");
        interTokenLatency = histogram("llamastack_inter_token_latency_seconds",
                "Time between consecutive streamed tokens",
                interTokenBuckets(), "model", "provider", "operation");
        tokens = counter("llamastack_tokens_total",
                "Tokens processed, from the usage the provider reported (type input or output)",
                "model", "provider", "type");
        inferenceRequests = counter("llamastack_inference_requests_total",
                "Provider calls by how they ended: a finish reason, error, or cancelled by the client",
                "model", "provider", "operation", "outcome");
        providerErrors = counter("llamastack_provider_errors_total",
                "Provider calls that failed, by provider and error kind",
                "provider", "kind");
        authFailures = counter("llamastack_auth_failures_total",
                "API requests refused for want of a valid API key: reason missing (no bearer token) or rejected",
                "reason");
        exportFailures = counter("llamastack_telemetry_export_failures_total",
                "Pushes of telemetry to the OTLP collector that failed after their retries (their data is lost under"
                        + " delta temporality)",
                "signal");
        // Present at 0 from the start, so a rate() over it is defined before the first failure.
        exportFailures.labelValues("metrics");
        exportFailures.labelValues("traces");
        limitRefusals = counter("llamastack_limit_refusals_total",
                "API requests refused by a configured limit, by reason (rate_limit, concurrent_requests, body_size, "
                        + "read_timeout, header_size, uri_length)",
                "reason");
        keyRequests = counter("llamastack_key_requests_total",
                "Provider calls by API key name, model and how they ended (outcomes as in llamastack_inference_requests_total)",
                "key", "tenant", "model", "outcome");
        keyTokens = counter("llamastack_key_tokens_total",
                "Tokens by API key name and model, from the usage the provider reported (type input or output)",
                "key", "tenant", "model", "type");
        spend = counter("llamastack_spend_total",
                "Estimated spend by API key name and model: provider-reported tokens times server.usage.prices, "
                        + "in server.usage.currency",
                "key", "tenant", "model");
        quotaRefusals = counter("llamastack_quota_refusals_total",
                "Requests refused by a key's quota, by the quota that was full, or store_unavailable (fail_closed)",
                "key", "reason");
        quotaRemaining = gauge("llamastack_quota_remaining",
                "What is left of a key's quota in its current window as of this replica's last check "
                        + "(spend quotas in the currency)",
                "key", "quota");
        quotaLimit = gauge("llamastack_quota_limit",
                "A key's configured quota per window (spend quotas in the currency)", "key", "quota");
        quotaStoreErrors = counter("llamastack_quota_store_errors_total",
                "Quota store calls that failed, or were skipped while it was unreachable, by operation",
                "operation");
        quotaStoreUp = gauge("llamastack_quota_store_up",
                "1 while the quota store answers; 0 from a failed call until one succeeds");
        // Up until a call fails: the memory store never does, and Redis is assumed there until proven otherwise.
        quotaStoreUp.set(1);
        for (String operation : List.of("admit", "settle", "read")) {
            quotaStoreErrors.labelValues(operation);
        }
        telemetryErrors = counter("llamastack_telemetry_errors_total",
                "Times a telemetry observer threw; the request went on without it", "observer");
        // client_java names an info metric without the _info suffix and adds it on exposition.
        Info buildInfo = Info.builder()
                .name("llamastack_build")
                .help("Build of this Stackwatch process; always 1")
                .labelNames("version", "java_version")
                .register(registry);
        buildInfo.setLabelValues(build.version(), Runtime.version().toString());
        // Registering the JVM metrics reads the platform MXBeans, which are slow to start: it runs beside the rest of
        // the wiring, and the listeners open only after it (awaitJvmMetrics).
        jvmMetrics = new FutureTask<>(() -> registerJvmMetrics(registry), null);
        Thread.ofPlatform().daemon().name("jvm-metrics-registration").start(jvmMetrics);
    }

    /**
     * client_java's JVM and process metrics, as {@code JvmMetrics.builder().register(registry)} adds them, except that
     * the native-memory ones are asked for only when native memory tracking is on: without it they add no series, yet
     * asking starts the platform MBean server, whose diagnostic-command bean parses JFR's .jfc files (about 200 ms of
     * CPU, and the JIT's work on the XML parser, in every start-up).
     */
    static void registerJvmMetrics(PrometheusRegistry registry) {
        PrometheusProperties config = PrometheusProperties.get();
        JvmThreadsMetrics.builder(config).register(registry);
        JvmBufferPoolMetrics.builder(config).register(registry);
        JvmClassLoadingMetrics.builder(config).register(registry);
        JvmCompilationMetrics.builder(config).register(registry);
        JvmGarbageCollectorMetrics.builder(config).register(registry);
        JvmMemoryPoolAllocationMetrics.builder(config).register(registry);
        JvmMemoryMetrics.builder(config).register(registry);
        if (nativeMemoryTracked()) {
            JvmNativeMemoryMetrics.builder(config).register(registry);
        }
        JvmRuntimeInfoMetric.builder(config).register(registry);
        ProcessMetrics.builder(config).register(registry);
    }

    /** -XX:NativeMemoryTracking other than "off"; a JVM that cannot say gets the native-memory metrics tried. */
    private static boolean nativeMemoryTracked() {
        try {
            return !"off".equals(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .getVMOption("NativeMemoryTracking").getValue());
        } catch (RuntimeException unknown) {
            return true;
        }
    }

    /** Returns once the JVM metrics are registered, so that no scrape misses them; rethrows what registration threw. */
    public void awaitJvmMetrics() {
        try {
            jvmMetrics.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while registering the JVM metrics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("registering the JVM metrics failed", e.getCause());
        }
    }

    /** Adds the gauges read at scrape time from the server's own state. Call once, when the sources exist. */
    public void watch(StateSignals signals) {
        GaugeWithCallback.builder()
                .name("llamastack_ready")
                .help("1 when this instance can serve inference, else 0")
                .callback(cb -> cb.call(signals.ready().getAsBoolean() ? 1 : 0))
                .register(registry);
        GaugeWithCallback.builder()
                .name("llamastack_provider_health")
                .help("1 when the provider answers its health check, else 0")
                .labelNames("provider")
                .callback(cb -> signals.providerIds()
                        .forEach(p -> cb.call(signals.providerHealthy().test(p) ? 1 : 0, p)))
                .register(registry);
        GaugeWithCallback.builder()
                .name("llamastack_circuit_state")
                .help("Circuit breaker of a remote provider: 0 closed, 1 half-open, 2 open (calls fail fast)")
                .labelNames("provider")
                .callback(cb -> signals.providerIds().forEach(p -> signals.circuitState().apply(p)
                        .ifPresent(state -> cb.call(circuitLevel(state), p))))
                .register(registry);
        GaugeWithCallback.builder()
                .name("llamastack_model_ready")
                .help("1 when the model is loaded and can serve, else 0")
                .labelNames("model", "provider")
                .callback(cb -> providerOfModel
                        .forEach((model, provider) -> cb.call(signals.modelReady().test(model) ? 1 : 0, model, provider)))
                .register(registry);
    }

    /** Ordered by how much of the provider's traffic is refused, so alerts can say {@code > 0} or {@code == 2}. */
    private static int circuitLevel(CircuitState state) {
        return switch (state) {
            case CLOSED -> 0;
            case HALF_OPEN -> 1;
            case OPEN -> 2;
        };
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** One API request began; pair with {@link #requestFinished}. */
    public void requestStarted() {
        requestsInFlight.inc();
    }

    public void requestFinished(String method, String endpoint, int status, long nanos) {
        String m = METHODS.contains(method) ? method : OTHER;
        requests.labelValues(m, endpoint, Integer.toString(status)).inc();
        requestDuration.labelValues(m, endpoint).observe(seconds(nanos));
        // Last, so that a scrape seeing nothing in flight also sees every finished request counted.
        requestsInFlight.dec();
    }

    /**
     * Creates, at 0, the request series an inference route ends in most: its success and the 5xx codes a provider
     * failure maps to. A series born at 1 has no earlier sample, so rate() never counts that first error; born at 0,
     * it does. Bounded: routes x (1 + 4) series, all of which the worst case in docs/metrics.md already counts.
     */
    public void expectRequests(String method, Collection<String> endpoints) {
        String m = METHODS.contains(method) ? method : OTHER;
        for (String endpoint : endpoints) {
            requests.labelValues(m, endpoint, "200");
            for (ProviderException.Kind kind : ProviderException.Kind.values()) {
                if (kind.status() >= 500) {
                    requests.labelValues(m, endpoint, Integer.toString(kind.status()));
                }
            }
        }
    }

    /** {@code reason}: one of the fixed reasons in {@code llamastack_limit_refusals_total}'s help, from code. */
    public void limitRefused(String reason) {
        limitRefusals.labelValues(reason).inc();
    }

    /** {@code reason}: {@code missing} or {@code rejected}; the only two ways auth refuses. */
    public void authFailed(String reason) {
        authFailures.labelValues(reason).inc();
    }

    /** {@code observer}: one of the observers the server wires, so the label stays bounded. */
    public void telemetryFailed(String observer) {
        telemetryErrors.labelValues(observer).inc();
    }

    public void connectionOpened() {
        activeConnections.inc();
    }

    public void connectionClosed() {
        activeConnections.dec();
    }

    public void modelLoaded(Model model, Duration took) {
        modelLoadTime.labelValues(modelLabel(model.id()), providerLabel(model.id()))
                .set(seconds(took.toNanos()));
    }

    /** The series one provider call records into; looked up once per call. */
    public CallSeries call(Model model, Operation operation, boolean stream) {
        return callSeries.computeIfAbsent(new SeriesKey(modelLabel(model.id()), operation, stream), this::newCallSeries);
    }

    public void providerFailed(String modelId, Throwable failure) {
        // Anything but a ProviderException escaping a provider is a bug in it: an internal error.
        ProviderException.Kind kind = failure instanceof ProviderException p ? p.kind() : ProviderException.Kind.INTERNAL;
        providerErrors.labelValues(providerLabel(modelId), kind.name().toLowerCase(Locale.ROOT)).inc();
    }

    /** A relayed request failed upstream: counted with the provider's errors, by the same kinds. */
    public void relayFailed(String providerId, Throwable failure) {
        ProviderException.Kind kind = failure instanceof ProviderException p ? p.kind() : ProviderException.Kind.INTERNAL;
        String provider = providerOfModel.containsValue(providerId) ? providerId : OTHER;
        providerErrors.labelValues(provider, kind.name().toLowerCase(Locale.ROOT)).inc();
    }

    /** {@code signal}: {@code metrics} or {@code traces}. */
    public void exportFailed(String signal) {
        exportFailures.labelValues(signal).inc();
    }

    /** The {@code key} label for an API key name: configured names as they are, anything else anonymous. */
    public String keyLabel(String keyName) {
        return keyName != null && keyNames.contains(keyName) ? keyName : UsageConfig.ANONYMOUS;
    }

    /**
     * One provider call of a key ended: its outcome, the tokens it used and their estimated cost. {@code tenant} is
     * already one of a bounded set (the configured tenants, {@code other}, {@code none}): see TenantConfig.
     */
    public void keyCall(String keyName, String tenant, String modelId, String outcome, long inputTokens,
                        long outputTokens, double cost) {
        String key = keyLabel(keyName);
        String model = modelLabel(modelId);
        keyRequests.labelValues(key, tenant, model, outcome).inc();
        if (inputTokens > 0) {
            keyTokens.labelValues(key, tenant, model, "input").inc(inputTokens);
        }
        if (outputTokens > 0) {
            keyTokens.labelValues(key, tenant, model, "output").inc(outputTokens);
        }
        if (cost > 0) {
            spend.labelValues(key, tenant, model).inc(cost);
        }
    }

    /** {@code reason}: a quota's name, or {@code store_unavailable}. */
    public void quotaRefused(String keyName, String reason) {
        quotaRefusals.labelValues(keyLabel(keyName), reason).inc();
    }

    public void quotaRemaining(String keyName, String quota, double remaining) {
        quotaRemaining.labelValues(keyLabel(keyName), quota).set(remaining);
    }

    /**
     * A key's configured quota: its limit, and its refusal count started at 0 so that the first refusal shows as an
     * increase (a series that appears with 1 has no increase for rate() to see).
     */
    public void quotaConfigured(String keyName, String quota, double limit) {
        quotaLimit.labelValues(keyLabel(keyName), quota).set(limit);
        quotaRefusals.labelValues(keyLabel(keyName), quota);
    }

    /** {@code operation}: admit, settle or read. */
    public void quotaStoreFailed(String operation) {
        quotaStoreErrors.labelValues(operation).inc();
    }

    public void quotaStoreUp(boolean up) {
        quotaStoreUp.set(up ? 1 : 0);
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private Counter counter(String name, String help, String... labels) {
        return Counter.builder().name(name).help(help).labelNames(labels).register(registry);
    }

    private Gauge gauge(String name, String help, String... labels) {
        return Gauge.builder().name(name).help(help).labelNames(labels).register(registry);
    }

    /** In seconds, with classic buckets as given plus a native histogram: client_java exposes both, the scraper picks. */
    private Histogram histogram(String name, String help, double[] buckets, String... labels) {
        return Histogram.builder().name(name).help(help).unit(Unit.SECONDS).labelNames(labels)
                .classicUpperBounds(buckets).register(registry);
    }

    private CallSeries newCallSeries(SeriesKey key) {
        String model = key.model();
        String provider = providerOfModel.getOrDefault(model, OTHER);
        String operation = key.operation().label();
        Function<String, CounterDataPoint> outcome = o -> inferenceRequests.labelValues(model, provider, operation, o);
        Map<FinishReason, CounterDataPoint> finished = new EnumMap<>(FinishReason.class);
        for (FinishReason r : FinishReason.values()) {
            finished.put(r, outcome.apply(r.wire()));
        }
        return new CallSeries(
                inferenceLatency.labelValues(model, provider, operation, Boolean.toString(key.stream())),
                timeToFirstToken.labelValues(model, provider, operation),
                interTokenLatency.labelValues(model, provider, operation),
                tokens.labelValues(model, provider, "input"),
                tokens.labelValues(model, provider, "output"),
                Map.copyOf(finished),
                outcome.apply("error"),
                outcome.apply("cancelled"));
    }

    private String modelLabel(String modelId) {
        return providerOfModel.containsKey(modelId) ? modelId : OTHER;
    }

    private String providerLabel(String modelId) {
        return providerOfModel.getOrDefault(modelId, OTHER);
    }

    /** OpenTelemetry GenAI duration buckets, extended down to 1 ms and up to 120 s. */
    private static double[] durationBuckets() {
        return new double[] {0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24,
                20.48, 40.96, 81.92, 120};
    }

    /** OpenTelemetry GenAI time-to-first-token buckets, extended up to 120 s for cold or queued models. */
    private static double[] timeToFirstTokenBuckets() {
        return new double[] {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20,
                40, 80, 120};
    }

    /** OpenTelemetry GenAI time-per-output-token buckets, extended down to 1 ms (fast local models) and up to 120 s. */
    private static double[] interTokenBuckets() {
        return new double[] {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1,
                2.5, 5, 10, 30, 60, 120};
    }
}
