package dev.stackwatch.inference;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The decorator around every provider: tells each {@link InferenceObserver} when a call starts, each token, and how
 * it ended. Like an OkHttp interceptor it calls the wrapped provider exactly once and changes nothing it passes on.
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

    public ObservedProvider(InferenceProvider delegate, List<InferenceObserver> observers, ObserverFailures failures) {
        this.delegate = delegate;
        this.observers = List.copyOf(observers);
        this.failures = failures;
        this.endpoint = delegate.endpoint().orElse(null);
    }

    /** The provider itself, for callers that need its own type (e.g. its circuit state). */
    public InferenceProvider delegate() {
        return delegate;
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
                delegate.type(), request.stream(), request, null, endpoint));
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
            completion = delegate.generate(request, observed);
        } catch (RuntimeException | Error e) {
            end(calls, "failed", c -> c.failed(e));
            throw e;
        }
        end(calls, "completed", c -> c.completed(completion));
        return completion;
    }

    @Override
    public Embeddings embed(EmbeddingRequest request) {
        List<Started> calls = start(new InferenceObserver.CallInfo(Operation.EMBEDDINGS, request.model(),
                delegate.type(), false, null, request, endpoint));
        Embeddings result;
        try {
            result = delegate.embed(request);
        } catch (RuntimeException | Error e) {
            end(calls, "failed", c -> c.failed(e));
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
        };
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
