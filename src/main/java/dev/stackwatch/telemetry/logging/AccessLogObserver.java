package dev.stackwatch.telemetry.logging;

import dev.stackwatch.exchange.Exchange;
import dev.stackwatch.exchange.InferenceFacts;
import dev.stackwatch.inference.ClientDisconnectedException;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.Embeddings;
import dev.stackwatch.inference.InferenceObserver;
import dev.stackwatch.inference.ProviderException;

/**
 * Reports what each provider call did (model, provider, tokens, time to first token, how it ended) to its request's
 * {@link Exchange} as one {@link InferenceFacts} when the call ends, so the access log can write them without
 * handlers or providers knowing about logging. A call no client request made reports to nobody.
 */
public final class AccessLogObserver implements InferenceObserver {
    private final boolean logPrompts;

    public AccessLogObserver(boolean logPrompts) {
        this.logPrompts = logPrompts;
    }

    @Override
    public Call start(CallInfo info) {
        String prompt = null;
        if (logPrompts) {
            // A relayed Responses call brings neither: its input stays the upstream's business.
            if (info.generation() != null) {
                prompt = info.generation().inputText();
            } else if (info.embedding() != null) {
                prompt = String.join("\n", info.embedding().inputs());
            }
        }
        return new Recording(info, prompt);
    }

    /** The call's own state until it ends; only the finished facts leave it. */
    private final class Recording implements Call {
        private final CallInfo info;
        private final String prompt;
        private Long firstTokenNanos;

        Recording(CallInfo info, String prompt) {
            this.info = info;
            this.prompt = prompt;
        }

        @Override
        public void token(int index, long nanoTime) {
            // A whole (non-streamed) response reaches the client at the end: no time to first token to report.
            if (index == 0 && info.stream()) {
                firstTokenNanos = nanoTime;
            }
        }

        @Override
        public void completed(Completion completion) {
            report(completion.usage().promptTokens(), completion.usage().completionTokens(),
                    completion.finishReason().wire(), null, logPrompts ? completion.text() : null);
        }

        @Override
        public void embedded(Embeddings embeddings) {
            report(embeddings.promptTokens(), null, null, null, null);
        }

        @Override
        public void failed(Throwable failure) {
            String error = switch (failure) {
                case ClientDisconnectedException e -> "cancelled";
                case ProviderException e -> e.kind().code();
                default -> failure.getClass().getSimpleName();
            };
            report(null, null, null, error, null);
        }

        private void report(Integer inputTokens, Integer outputTokens, String finishReason, String error,
                            String completion) {
            info.exchange().inferenceFinished(new InferenceFacts(info.model().id(), info.model().providerId(),
                    info.stream(), inputTokens, outputTokens, firstTokenNanos, finishReason, error, prompt,
                    completion));
        }
    }
}
