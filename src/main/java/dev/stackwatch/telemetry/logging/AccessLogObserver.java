package dev.stackwatch.telemetry.logging;

import dev.stackwatch.inference.ClientDisconnectedException;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.Embeddings;
import dev.stackwatch.inference.InferenceObserver;
import dev.stackwatch.inference.ProviderException;
import io.helidon.common.context.Contexts;

/**
 * Records model, provider, tokens and time to first token into the current request's {@link InferenceFacts}, so the
 * access log can report them without handlers or providers knowing about logging. Calls made outside an API request
 * (no facts in the context) are ignored.
 */
public final class AccessLogObserver implements InferenceObserver {
    private static final Call IGNORED = new Call() {};

    private final boolean logPrompts;

    public AccessLogObserver(boolean logPrompts) {
        this.logPrompts = logPrompts;
    }

    @Override
    public Call start(CallInfo info) {
        InferenceFacts facts = Contexts.context().flatMap(c -> c.get(InferenceFacts.class)).orElse(null);
        if (facts == null) {
            return IGNORED;
        }
        facts.model = info.model().id();
        facts.provider = info.model().providerId();
        facts.stream = info.stream();
        if (logPrompts) {
            // A relayed Responses call brings neither: its input stays the upstream's business.
            if (info.generation() != null) {
                facts.prompt = info.generation().inputText();
            } else if (info.embedding() != null) {
                facts.prompt = String.join("\n", info.embedding().inputs());
            }
        }
        return new Recording(facts);
    }

    private final class Recording implements Call {
        private final InferenceFacts facts;

        Recording(InferenceFacts facts) {
            this.facts = facts;
        }

        @Override
        public void token(int index, long nanoTime) {
            // A whole (non-streamed) response reaches the client at the end: no time to first token to report.
            if (index == 0 && facts.stream) {
                facts.firstTokenNanos = nanoTime;
            }
        }

        @Override
        public void completed(Completion completion) {
            facts.inputTokens = completion.usage().promptTokens();
            facts.outputTokens = completion.usage().completionTokens();
            facts.finishReason = completion.finishReason().wire();
            if (logPrompts) {
                facts.completion = completion.text();
            }
        }

        @Override
        public void embedded(Embeddings embeddings) {
            facts.inputTokens = embeddings.promptTokens();
        }

        @Override
        public void failed(Throwable failure) {
            facts.error = switch (failure) {
                case ClientDisconnectedException e -> "cancelled";
                case ProviderException e -> e.kind().code();
                default -> failure.getClass().getSimpleName();
            };
        }
    }
}
