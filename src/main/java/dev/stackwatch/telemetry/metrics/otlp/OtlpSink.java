package dev.stackwatch.telemetry.metrics.otlp;

import dev.stackwatch.exchange.Exchange;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.InferenceObserver.CallInfo;
import dev.stackwatch.inference.Operation;
import dev.stackwatch.inference.UpstreamEndpoint;
import dev.stackwatch.telemetry.GenAiNames;
import dev.stackwatch.telemetry.metrics.MetricSink;
import dev.stackwatch.telemetry.metrics.Metrics;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The measurements as OpenTelemetry instruments under the GenAI and HTTP semantic conventions, for the OTLP push.
 * Names, units and bucket boundaries (given as advice) are the conventions' own, unextended, so a backend's GenAI
 * dashboards read them as they are. Attribute sets are built once per series and cached: recording a value is then
 * one lookup in the SDK's own map. Per-token gaps are not recorded here: the conventions' time per output token is one
 * value per request.
 */
final class OtlpSink implements MetricSink {
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<String> TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");

    /** HTTP semconv: a method outside the well-known set is recorded as this. */
    static final String OTHER_METHOD = "_OTHER";
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS",
            "TRACE", "CONNECT");

    private final DoubleHistogram requestDuration;
    private final DoubleHistogram timeToFirstToken;
    private final DoubleHistogram timePerOutputToken;
    private final LongHistogram tokenUsage;
    private final DoubleHistogram httpDuration;
    private final LongUpDownCounter activeRequests;
    private final Set<String> models;
    private final Map<CallKey, CallAttributes> calls = new ConcurrentHashMap<>();
    private final Map<HttpKey, Attributes> finished = new ConcurrentHashMap<>();
    private final Map<String, Attributes> activeHttp = new ConcurrentHashMap<>();
    private final Map<String, Attributes> activeHttps = new ConcurrentHashMap<>();

    /** {@code endpoint} is null for an in-process provider; a remote one has one, so it adds no series. */
    private record CallKey(String model, Operation operation, String providerType, UpstreamEndpoint endpoint) {}

    private record HttpKey(String method, boolean secure, String route, int status) {}

    /** A call's attributes, and the same with each token type, for its lifetime. */
    private record CallAttributes(Attributes base, Attributes input, Attributes output) {}

    /** {@code models}: the configured model ids; any other id is recorded as {@link Metrics#OTHER}. */
    OtlpSink(Meter meter, Set<String> models) {
        this.models = Set.copyOf(models);
        requestDuration = seconds(meter, "gen_ai.server.request.duration",
                "Generative AI server request duration such as time-to-last byte or last output token",
                SemconvBuckets.DURATION);
        timeToFirstToken = seconds(meter, "gen_ai.server.time_to_first_token",
                "Time to generate first token for successful responses", SemconvBuckets.TIME_TO_FIRST_TOKEN);
        timePerOutputToken = seconds(meter, "gen_ai.server.time_per_output_token",
                "Time per output token generated after the first token for successful responses",
                SemconvBuckets.TIME_PER_OUTPUT_TOKEN);
        tokenUsage = meter.histogramBuilder("gen_ai.client.token.usage")
                .setDescription("Number of input and output tokens used")
                .setUnit("{token}")
                .ofLongs()
                .setExplicitBucketBoundariesAdvice(SemconvBuckets.TOKEN_USAGE)
                .build();
        httpDuration = seconds(meter, "http.server.request.duration", "Duration of HTTP server requests.",
                SemconvBuckets.HTTP_DURATION);
        activeRequests = meter.upDownCounterBuilder("http.server.active_requests")
                .setDescription("Number of active HTTP server requests.")
                .setUnit("{request}")
                .build();
    }

    private static DoubleHistogram seconds(Meter meter, String name, String description, List<Double> buckets) {
        return meter.histogramBuilder(name).setDescription(description).setUnit("s")
                .setExplicitBucketBoundariesAdvice(buckets).build();
    }

    @Override
    public void requestStarted(String method, boolean secure) {
        activeRequests.add(1, active(method, secure));
    }

    @Override
    public void requestFinished(String method, boolean secure, String route, int status, long nanos) {
        httpDuration.record(nanos / 1e9, finished.computeIfAbsent(new HttpKey(method, secure, route, status),
                OtlpSink::finishedAttributes));
        activeRequests.add(-1, active(method, secure));
    }

    private Attributes active(String method, boolean secure) {
        return (secure ? activeHttps : activeHttp).computeIfAbsent(method, m -> Attributes.of(
                HTTP_METHOD, httpMethod(m), URL_SCHEME, secure ? "https" : "http"));
    }

    private static Attributes finishedAttributes(HttpKey key) {
        AttributesBuilder b = Attributes.builder()
                .put(HTTP_METHOD, httpMethod(key.method()))
                .put(URL_SCHEME, key.secure() ? "https" : "http")
                .put(HTTP_STATUS, (long) key.status());
        // An unmatched path has no route: the conventions leave the attribute out rather than invent one.
        if (!key.route().equals(Exchange.UNMATCHED_ROUTE)) {
            b.put(HTTP_ROUTE, key.route());
        }
        // For a server only 5xx is an error; 4xx is the client's.
        if (key.status() >= 500) {
            b.put(ERROR_TYPE, Integer.toString(key.status()));
        }
        return b.build();
    }

    private static String httpMethod(String method) {
        return METHODS.contains(method) ? method : OTHER_METHOD;
    }

    @Override
    public CallRecorder call(CallInfo info) {
        String model = models.contains(info.model().id()) ? info.model().id() : Metrics.OTHER;
        CallAttributes attributes = calls.computeIfAbsent(
                new CallKey(model, info.operation(), info.providerType(), info.endpoint()), OtlpSink::callAttributes);
        return new Recorder(attributes);
    }

    private static CallAttributes callAttributes(CallKey key) {
        // Stackwatch answers under the model id it was asked for, so the response model is the request model.
        AttributesBuilder b = Attributes.builder()
                .put(OPERATION, GenAiNames.operationName(key.operation()))
                .put(PROVIDER, GenAiNames.providerName(key.providerType()))
                .put(REQUEST_MODEL, key.model())
                .put(RESPONSE_MODEL, key.model());
        // The model server is the upstream Stackwatch called; the in-process simulator has no address to give.
        if (key.endpoint() != null) {
            b.put(SERVER_ADDRESS, key.endpoint().address()).put(SERVER_PORT, (long) key.endpoint().port());
        }
        Attributes base = b.build();
        return new CallAttributes(base, base.toBuilder().put(TOKEN_TYPE, "input").build(),
                base.toBuilder().put(TOKEN_TYPE, "output").build());
    }

    /** One call, recorded under the attributes its model, operation and upstream share with every other call. */
    private final class Recorder implements CallRecorder {
        private final CallAttributes attributes;

        Recorder(CallAttributes attributes) {
            this.attributes = attributes;
        }

        @Override
        public void firstToken(long sinceArrival) {
            timeToFirstToken.record(sinceArrival / 1e9, attributes.base());
        }

        @Override
        public void nextToken(long gap) {
            // The conventions' per-token measure is the average over the request, recorded when it completes.
        }

        @Override
        public void completed(Completion completion, long duration, long sinceFirstToken) {
            requestDuration.record(duration / 1e9, attributes.base());
            int output = completion.usage().completionTokens();
            tokenUsage.record(completion.usage().promptTokens(), attributes.input());
            tokenUsage.record(output, attributes.output());
            // Measured from the first token, not derived from the duration: the call starts after the request
            // arrives, where time to first token starts, so the difference of the two can be negative.
            if (sinceFirstToken >= 0 && output > 1) {
                timePerOutputToken.record(sinceFirstToken / 1e9 / (output - 1), attributes.base());
            }
        }

        @Override
        public void embedded(int inputTokens, long duration) {
            requestDuration.record(duration / 1e9, attributes.base());
            tokenUsage.record(inputTokens, attributes.input());
        }

        @Override
        public void failed(Throwable failure, long duration) {
            requestDuration.record(duration / 1e9, attributes.base().toBuilder()
                    .put(ERROR_TYPE, GenAiNames.errorType(failure)).build());
        }
    }
}
