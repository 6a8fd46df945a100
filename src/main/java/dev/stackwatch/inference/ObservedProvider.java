package dev.stackwatch.inference;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.http.Handler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The decorator around every provider: tells each {@link InferenceObserver} when a call starts, each token, and how
 * it ended. Like an OkHttp interceptor it calls the wrapped provider exactly once and changes nothing it passes on
 * but the {@link UpstreamHeaders} the observers' calls ask for (a span's trace context), passed on as a value.
 * Observers start in list order and end in reverse order, like nested scopes: an observer that opens a trace span
 * first still has it current while later observers record (which is how metric exemplars get their trace id).
 * An observer that throws is reported to {@link ObserverFailures} and otherwise ignored: every observer that started
 * still ends (one holding a scope, a current span or MDC ids, must, or that state would outlive the call on this
 * thread), and the client gets exactly what the provider produced.
 */
public final class ObservedProvider implements InferenceProvider, RelayObserver {
    private final InferenceProvider delegate;
    private final List<InferenceObserver> observers;
    private final ObserverFailures failures;
    /** The delegate's upstream, read once: a provider's URL is fixed for its life. */
    private final UpstreamEndpoint endpoint;
    /** Why a call failed, seen from the request: a call cut short because its client left is a cancellation. */
    private final UnaryOperator<RuntimeException> cancellation;

    public ObservedProvider(InferenceProvider delegate, List<InferenceObserver> observers, ObserverFailures failures) {
        this(delegate, observers, failures, UnaryOperator.identity());
    }

    /**
     * {@code cancellation} tells, on the calling thread, what a provider failure means for its request: a
     * {@link ClientDisconnectedException} when the request's client left and the call was interrupted for it (the
     * provider itself only saw an interrupt), which observers then record as cancelled, like a stream's client that
     * left. Any other answer is ignored.
     */
    public ObservedProvider(InferenceProvider delegate, List<InferenceObserver> observers, ObserverFailures failures,
                            UnaryOperator<RuntimeException> cancellation) {
        this.delegate = delegate;
        this.observers = List.copyOf(observers);
        this.failures = failures;
        this.endpoint = delegate.endpoint().orElse(null);
        this.cancellation = cancellation;
    }

    @Override
    public String id() {
        return delegate.id();
    }

    @Override
    public String type() {
        return delegate.type();
    }

    @Override
    public JsonNode describeConfig() {
        return delegate.describeConfig();
    }

    @Override
    public void load(Model model) {
        long start = System.nanoTime();
        RuntimeException failure = null;
        try {
            delegate.load(model);
        } catch (RuntimeException e) {
            failure = e;
        }
        Duration measured = Duration.ofNanos(System.nanoTime() - start);
        Duration took = failure == null ? delegate.reportedLoadTime(model).orElse(measured) : measured;
        RuntimeException outcome = failure;
        for (InferenceObserver o : observers) {
            guarded(o.name(), "model_loaded", () -> o.modelLoaded(model, delegate.type(), took, outcome));
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public Completion generate(GenerationRequest request, TokenSink sink) {
        List<Started> calls = start(new InferenceObserver.CallInfo(request.operation(), request.model(),
                delegate.type(), request.stream(), request, null, endpoint, request.exchange()));
        TokenSink observed = calls.isEmpty() ? sink : new TokenSink() {
            private int index;

            @Override
            public void token(String text) {
                sink.token(text);
                produced();
            }

            /** Tool-call pieces are output too: they start the first-token clock and space the tokens. */
            @Override
            public void toolCalls(JsonNode deltas) {
                sink.toolCalls(deltas);
                produced();
            }

            @Override
            public void flush() {
                sink.flush();
            }

            private void produced() {
                long now = System.nanoTime();
                int i = index++;
                for (Started c : calls) {
                    c.token(i, now);
                }
            }
        };
        Completion completion;
        try {
            completion = delegate.generate(request.withUpstreamHeaders(upstreamHeaders(calls,
                    request.upstreamHeaders())), observed);
        } catch (RuntimeException | Error e) {
            Throwable seen = cancelledOrItself(e);
            end(calls, "failed", c -> c.failed(seen));
            throw e;
        }
        end(calls, "completed", c -> c.completed(completion));
        return completion;
    }

    @Override
    public Embeddings embed(EmbeddingRequest request) {
        List<Started> calls = start(new InferenceObserver.CallInfo(Operation.EMBEDDINGS, request.model(),
                delegate.type(), false, null, request, endpoint, request.exchange()));
        Embeddings result;
        try {
            result = delegate.embed(request.withUpstreamHeaders(upstreamHeaders(calls, request.upstreamHeaders())));
        } catch (RuntimeException | Error e) {
            Throwable seen = cancelledOrItself(e);
            end(calls, "failed", c -> c.failed(seen));
            throw e;
        }
        end(calls, "embedded", c -> c.embedded(result));
        return result;
    }

    /**
     * Observes a call the provider makes outside {@link #generate}: the LlamaStack relay's Responses API, whose bytes
     * pass to the client unchanged while it reports tokens and the outcome to the returned call. Same order as
     * {@link #generate}: observers start in list order, end in reverse.
     */
    @Override
    public InferenceObserver.Call observe(InferenceObserver.CallInfo info) {
        List<Started> calls = start(info);
        return new InferenceObserver.Call() {
            @Override
            public void token(int index, long nanoTime) {
                for (Started c : calls) {
                    c.token(index, nanoTime);
                }
            }

            @Override
            public void completed(Completion completion) {
                end(calls, "completed", c -> c.completed(completion));
            }

            @Override
            public void failed(Throwable failure) {
                end(calls, "failed", c -> c.failed(failure));
            }

            @Override
            public UpstreamHeaders upstreamHeaders(UpstreamHeaders given) {
                return ObservedProvider.this.upstreamHeaders(calls, given);
            }
        };
    }

    private Throwable cancelledOrItself(Throwable failure) {
        if (failure instanceof RuntimeException e && !(e instanceof ClientDisconnectedException)
                && cancellation.apply(e) instanceof ClientDisconnectedException left) {
            return left;
        }
        return failure;
    }

    @Override
    public void relayFailed(String providerId, String route, Throwable failure) {
        for (InferenceObserver o : observers) {
            guarded(o.name(), "relay_failed", () -> o.relayFailed(providerId, route, failure));
        }
    }

    @Override
    public Optional<UpstreamEndpoint> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    @Override
    public Optional<UpstreamStatus> upstreamStatus() {
        return delegate.upstreamStatus();
    }

    /** The delegate's own: what it finds is registered into the catalog, which calls this decorator to load it. */
    @Override
    public Optional<ModelSource> modelSource() {
        return delegate.modelSource();
    }

    @Override
    public Optional<Handler> distributionRelay(long maxBodyBytes, RelayObserver observer) {
        return delegate.distributionRelay(maxBodyBytes, observer);
    }

    @Override
    public boolean simulatesDistribution() {
        return delegate.simulatesDistribution();
    }

    @Override
    public Optional<Duration> reportedLoadTime(Model model) {
        return delegate.reportedLoadTime(model);
    }

    @Override
    public ProviderHealth checkHealth() {
        return delegate.checkHealth();
    }

    @Override
    public void close() {
        delegate.close();
    }

    /** Starts every observer; one whose start throws gets no call, the others start and end as usual. */
    private List<Started> start(InferenceObserver.CallInfo info) {
        List<Started> calls = new ArrayList<>(observers.size());
        for (InferenceObserver o : observers) {
            try {
                calls.add(new Started(o.name(), o.start(info)));
            } catch (RuntimeException e) {
                failures.failed(o.name(), "start", e);
            }
        }
        return calls;
    }

    /** What the started calls, in order, make of the request's headers; one that throws leaves them as they were. */
    private UpstreamHeaders upstreamHeaders(List<Started> calls, UpstreamHeaders given) {
        UpstreamHeaders headers = given;
        for (Started c : calls) {
            UpstreamHeaders before = headers;
            try {
                headers = c.call.upstreamHeaders(before);
            } catch (RuntimeException e) {
                failures.failed(c.observer, "upstream_headers", e);
                headers = before;
            }
        }
        return headers;
    }

    /** Ends the started calls in reverse order, each whatever the others throw. */
    private void end(List<Started> calls, String stage, Consumer<InferenceObserver.Call> action) {
        for (Started c : calls.reversed()) {
            guarded(c.observer, stage, () -> action.accept(c.call));
        }
    }

    private void guarded(String observer, String stage, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            failures.failed(observer, stage, e);
        }
    }

    /** One observer's call; after its first failed token it hears no more tokens, so one bug is one report. */
    private final class Started {
        final String observer;
        final InferenceObserver.Call call;
        boolean tokensBroken;

        Started(String observer, InferenceObserver.Call call) {
            this.observer = observer;
            this.call = call;
        }

        void token(int index, long now) {
            if (tokensBroken) {
                return;
            }
            try {
                call.token(index, now);
            } catch (RuntimeException e) {
                tokensBroken = true;
                failures.failed(observer, "token", e);
            }
        }
    }
}
