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
 */
public final class ObservedProvider implements InferenceProvider, RelayObserver {
    private final InferenceProvider delegate;
    private final List<InferenceObserver> observers;

    public ObservedProvider(InferenceProvider delegate, List<InferenceObserver> observers) {
        this.delegate = delegate;
        this.observers = List.copyOf(observers);
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
        each(observers, o -> o.modelLoaded(model, delegate.type(), took, outcome));
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public Completion generate(GenerationRequest request, TokenSink sink) {
        List<InferenceObserver.Call> calls = start(new InferenceObserver.CallInfo(request.operation(), request.model(),
                delegate.type(), request.stream(), request, null));
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

            private void produced() {
                long now = System.nanoTime();
                int i = index++;
                for (InferenceObserver.Call c : calls) {
                    c.token(i, now);
                }
            }
        };
        Completion completion;
        try {
            completion = delegate.generate(request, observed);
        } catch (RuntimeException | Error e) {
            each(calls.reversed(), c -> c.failed(e));
            throw e;
        }
        each(calls.reversed(), c -> c.completed(completion));
        return completion;
    }

    @Override
    public Embeddings embed(EmbeddingRequest request) {
        List<InferenceObserver.Call> calls = start(new InferenceObserver.CallInfo(Operation.EMBEDDINGS, request.model(),
                delegate.type(), false, null, request));
        Embeddings result;
        try {
            result = delegate.embed(request);
        } catch (RuntimeException | Error e) {
            each(calls.reversed(), c -> c.failed(e));
            throw e;
        }
        each(calls.reversed(), c -> c.embedded(result));
        return result;
    }

    /**
     * Observes a call the provider makes outside {@link #generate}: the LlamaStack relay's Responses API, whose bytes
     * pass to the client unchanged while it reports tokens and the outcome to the returned call. Same order as
     * {@link #generate}: observers start in list order, end in reverse.
     */
    @Override
    public InferenceObserver.Call observe(InferenceObserver.CallInfo info) {
        List<InferenceObserver.Call> calls = start(info);
        return new InferenceObserver.Call() {
            @Override
            public void token(int index, long nanoTime) {
                for (InferenceObserver.Call c : calls) {
                    c.token(index, nanoTime);
                }
            }

            @Override
            public void completed(Completion completion) {
                each(calls.reversed(), c -> c.completed(completion));
            }

            @Override
            public void failed(Throwable failure) {
                each(calls.reversed(), c -> c.failed(failure));
            }
        };
    }

    @Override
    public void relayFailed(String providerId, String route, Throwable failure) {
        each(observers, o -> o.relayFailed(providerId, route, failure));
    }

    @Override
    public Optional<Duration> reportedLoadTime(Model model) {
        return delegate.reportedLoadTime(model);
    }

    /**
     * Tells every observer even when one of them throws: an observer that holds a scope (a current span, MDC ids)
     * must always get its end, or that state would outlive the call on this thread. The first failure is rethrown.
     */
    private static <T> void each(List<T> targets, Consumer<T> action) {
        RuntimeException first = null;
        for (T target : targets) {
            try {
                action.accept(target);
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public ProviderHealth checkHealth() {
        return delegate.checkHealth();
    }

    @Override
    public void close() {
        delegate.close();
    }

    private List<InferenceObserver.Call> start(InferenceObserver.CallInfo info) {
        List<InferenceObserver.Call> calls = new ArrayList<>(observers.size());
        for (InferenceObserver o : observers) {
            calls.add(o.start(info));
        }
        return calls;
    }
}
