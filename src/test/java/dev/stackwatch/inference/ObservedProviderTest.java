package dev.stackwatch.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.stackwatch.exchange.Exchange;
import dev.stackwatch.BuildInfo;
import dev.stackwatch.config.RunConfig;
import dev.stackwatch.deadline.DeadlineTimer;
import dev.stackwatch.provider.http.UpstreamTransport;
import dev.stackwatch.provider.ProviderTypes;
import dev.stackwatch.telemetry.metrics.Metrics;
import dev.stackwatch.telemetry.metrics.ObserverFailureCounter;
import dev.stackwatch.testing.Scrape;
import dev.stackwatch.testing.TestServers;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The decorator's promises beyond passing calls through: every observer that started also ends, whatever another
 * observer throws, and an observer's failure is reported but never changes what the client gets.
 */
class ObservedProviderTest {
    private static final Model MODEL = new Model("sim-chat", "simulator", "sim-chat", ModelType.LLM,
            JsonNodeFactory.instance.objectNode());

    private final DeadlineTimer deadlines = new DeadlineTimer("test-deadlines");
    private final UpstreamTransport upstreams = new UpstreamTransport(deadlines);
    private final List<String> events = Collections.synchronizedList(new ArrayList<>());
    private final List<String> reported = Collections.synchronizedList(new ArrayList<>());
    private final ObserverFailures recording = (observer, stage, failure) -> reported.add(observer + "@" + stage);

    @AfterEach
    void closeTimer() {
        upstreams.close();
        deadlines.close();
    }

    /** An observer that records how it was told about a call, and throws at {@code throwAt} if given. */
    private final class Probe implements InferenceObserver {
        private final String name;
        private final Set<String> throwAt;

        Probe(String name, String... throwAt) {
            this.name = name;
            this.throwAt = Set.of(throwAt);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Call start(CallInfo info) {
            maybeThrow("start");
            events.add(name + " start");
            return new Call() {
                @Override
                public void token(int index, long nanoTime) {
                    maybeThrow("token");
                    events.add(name + " token");
                }

                @Override
                public void completed(Completion completion) {
                    events.add(name + " end");
                    maybeThrow("completed");
                }

                @Override
                public void embedded(Embeddings embeddings) {
                    events.add(name + " end");
                    maybeThrow("embedded");
                }

                @Override
                public void failed(Throwable failure) {
                    events.add(name + " end");
                    maybeThrow("failed");
                }
            };
        }

        private void maybeThrow(String stage) {
            if (throwAt.contains(stage)) {
                throw new IllegalStateException(name + " bug in " + stage);
            }
        }
    }

    private List<String> withoutTokens() {
        return events.stream().filter(e -> !e.endsWith(" token")).toList();
    }

    private InferenceProvider simulator() {
        RunConfig config = TestServers.config(TestServers.FAST_SIMULATOR);
        return ProviderTypes.builtIn(upstreams).create(config.inferenceProviders().getFirst(), config.models());
    }

    private static GenerationRequest request(boolean stream) {
        return new GenerationRequest(Operation.CHAT, MODEL, List.of(new ChatMessage("user", "hi")), null,
                SamplingParams.DEFAULTS, stream, null, System.nanoTime(), UpstreamHeaders.NONE,
                Exchange.detached());
    }

    @Test
    void anObserverWhoseStartThrowsLeavesTheOthersToStartAndEnd() {
        ObservedProvider observed = new ObservedProvider(simulator(),
                List.of(new Probe("a"), new Probe("b", "start"), new Probe("c")), recording);

        Completion completion = observed.generate(request(false), TokenSink.DISCARD);

        assertEquals(FinishReason.STOP.wire(), completion.finishReason().wire());
        assertEquals(List.of("a start", "c start", "c end", "a end"), withoutTokens());
        assertEquals(List.of("b@start"), reported);
    }

    @Test
    void anObserverThatThrowsOnEndingNeitherFailsTheCallNorKeepsTheOthersFromEnding() {
        ObservedProvider observed = new ObservedProvider(simulator(),
                List.of(new Probe("a"), new Probe("b", "completed"), new Probe("c", "completed")), recording);

        Completion completion = observed.generate(request(false), TokenSink.DISCARD);

        assertEquals(FinishReason.STOP.wire(), completion.finishReason().wire());
        assertEquals(List.of("a start", "b start", "c start", "c end", "b end", "a end"), withoutTokens());
        assertEquals(List.of("c@completed", "b@completed"), reported);
    }

    @Test
    void anObserverThatThrowsOnATokenCostsTheClientNoToken() {
        ObservedProvider observed = new ObservedProvider(simulator(),
                List.of(new Probe("a"), new Probe("b", "token")), recording);
        StringBuilder streamed = new StringBuilder();
        TokenSink client = new TokenSink() {
            @Override
            public void token(String text) {
                streamed.append(text);
            }

            @Override
            public void toolCalls(com.fasterxml.jackson.databind.JsonNode deltas) {
                throw new AssertionError("no tools were offered");
            }
        };

        Completion completion = observed.generate(request(true), client);

        assertEquals(completion.text(), streamed.toString(), "every token reached the client");
        long aTokens = events.stream().filter("a token"::equals).count();
        assertEquals(completion.usage().completionTokens(), aTokens, "the healthy observer saw every token");
        assertEquals(List.of("b@token"), reported, "a broken observer is reported once, then hears no more tokens");
        assertEquals(List.of("b end", "a end"), events.subList(events.size() - 2, events.size()));
    }

    @Test
    void theProvidersOwnFailureReachesTheClientEvenWhenAnObserverThrowsOnIt() {
        RunConfig config = TestServers.config(TestServers.FAST_SIMULATOR.replace("jitter: 0", "jitter: 0, error_rate: 1"));
        InferenceProvider failing = ProviderTypes.builtIn(upstreams).create(config.inferenceProviders().getFirst(),
                config.models());
        ObservedProvider observed = new ObservedProvider(failing,
                List.of(new Probe("a"), new Probe("b", "failed")), recording);

        ProviderException e = assertThrows(ProviderException.class,
                () -> observed.generate(request(false), TokenSink.DISCARD));

        assertEquals("simulator", e.providerId(), "the provider's failure, not the observer's");
        assertEquals(List.of("a start", "b start", "b end", "a end"), withoutTokens());
        assertEquals(List.of("b@failed"), reported);
    }

    @Test
    void aCallCutShortBecauseItsClientLeftIsObservedAsACancellation() {
        RunConfig config = TestServers.config(TestServers.FAST_SIMULATOR.replace("jitter: 0", "jitter: 0, error_rate: 1"));
        InferenceProvider failing = ProviderTypes.builtIn(upstreams).create(config.inferenceProviders().getFirst(),
                config.models());
        List<Throwable> observedFailures = new ArrayList<>();
        InferenceObserver recorder = info -> new InferenceObserver.Call() {
            @Override
            public void failed(Throwable failure) {
                observedFailures.add(failure);
            }
        };
        boolean[] clientLeft = {false};
        ObservedProvider observed = new ObservedProvider(failing, List.of(recorder), recording,
                e -> clientLeft[0] ? new ClientDisconnectedException(e) : new IllegalStateException("drain", e));

        ProviderException direct = assertThrows(ProviderException.class,
                () -> observed.generate(request(false), TokenSink.DISCARD));
        clientLeft[0] = true;
        ProviderException cut = assertThrows(ProviderException.class,
                () -> observed.generate(request(false), TokenSink.DISCARD));

        assertEquals(2, observedFailures.size());
        assertEquals(direct, observedFailures.get(0), "only a client leaving changes what observers see");
        assertInstanceOf(ClientDisconnectedException.class, observedFailures.get(1));
        assertEquals(cut, observedFailures.get(1).getCause(), "the provider's failure is kept as the cause");
    }

    @Test
    void embeddingsAndModelLoadsAreGuardedToo() {
        InferenceProvider simulator = simulator();
        ObservedProvider observed = new ObservedProvider(simulator, List.of(new Probe("a", "embedded"),
                new Probe("b")), recording);
        Model embedder = new Model("sim-embed", "simulator", "sim-embed", ModelType.EMBEDDING,
                JsonNodeFactory.instance.objectNode());

        Embeddings result = observed.embed(new EmbeddingRequest(embedder, List.of("x", "y"), null, null,
                UpstreamHeaders.NONE, Exchange.detached()));

        assertEquals(2, result.vectors().size());
        assertEquals(List.of("a@embedded"), reported);
        assertEquals(List.of("a start", "b start", "b end", "a end"), events);
    }

    /** An observer whose call adds {@code x-<name>: <the names it was given, sorted>} to the headers, or throws. */
    private static InferenceObserver stamping(String name, boolean broken) {
        return new InferenceObserver() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Call start(CallInfo info) {
                return new Call() {
                    @Override
                    public UpstreamHeaders upstreamHeaders(UpstreamHeaders given) {
                        if (broken) {
                            throw new IllegalStateException(name + " bug in upstream headers");
                        }
                        Map<String, String> values = new LinkedHashMap<>(given.values());
                        values.put("x-" + name, String.join(",", new TreeSet<>(given.values().keySet())));
                        return new UpstreamHeaders(values);
                    }
                };
            }
        };
    }

    @Test
    void theProviderGetsTheUpstreamHeadersTheObserversCallsMakeOfTheRequestsAsAValue() {
        InferenceProvider simulator = simulator();
        List<UpstreamHeaders> sent = Collections.synchronizedList(new ArrayList<>());
        InferenceProvider capturing = new InferenceProvider() {
            @Override
            public String id() {
                return simulator.id();
            }

            @Override
            public String type() {
                return simulator.type();
            }

            @Override
            public com.fasterxml.jackson.databind.JsonNode describeConfig() {
                return simulator.describeConfig();
            }

            @Override
            public void load(Model model) {
                simulator.load(model);
            }

            @Override
            public Completion generate(GenerationRequest request, TokenSink sink) {
                sent.add(request.upstreamHeaders());
                return simulator.generate(request, sink);
            }

            @Override
            public Embeddings embed(EmbeddingRequest request) {
                sent.add(request.upstreamHeaders());
                return simulator.embed(request);
            }

            @Override
            public ProviderHealth checkHealth() {
                return simulator.checkHealth();
            }
        };
        ObservedProvider observed = new ObservedProvider(capturing, List.of(stamping("a", false),
                stamping("b", true), stamping("c", false)), recording);
        GenerationRequest client = request(false).withUpstreamHeaders(
                new UpstreamHeaders(Map.of("traceparent", "00-client")));

        observed.generate(client, TokenSink.DISCARD);
        observed.embed(new EmbeddingRequest(new Model("sim-embed", "simulator", "sim-embed", ModelType.EMBEDDING,
                JsonNodeFactory.instance.objectNode()), List.of("x"), null, null, UpstreamHeaders.NONE,
                Exchange.detached()));

        assertEquals(Map.of("traceparent", "00-client", "x-a", "traceparent", "x-c", "traceparent,x-a"),
                sent.get(0).values(), "each call in order, the broken one leaving what it was given");
        assertEquals(Map.of("x-a", "", "x-c", "x-a"), sent.get(1).values());
        assertEquals(Map.of("traceparent", "00-client"), client.upstreamHeaders().values(),
                "the caller's request is a value: unchanged");
        assertEquals(List.of("b@upstream_headers", "b@upstream_headers"), reported);
    }

    @Test
    void failuresAreCountedByObserverInTheMetric() throws IOException {
        Metrics metrics = new Metrics(new PrometheusRegistry(), new BuildInfo("test"), List.of(MODEL));
        ObservedProvider observed = new ObservedProvider(simulator(),
                List.of(new Probe("a", "start"), new Probe("b", "completed")), new ObserverFailureCounter(metrics));

        observed.generate(request(false), TokenSink.DISCARD);
        observed.generate(request(false), TokenSink.DISCARD);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
        Scrape scrape = Scrape.parse(out.toString(StandardCharsets.UTF_8));
        assertEquals(2, scrape.sum("llamastack_telemetry_errors_total", Map.of("observer", "a")));
        assertEquals(2, scrape.sum("llamastack_telemetry_errors_total", Map.of("observer", "b")));
    }
}
