package dev.stackwatch.provider.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stackwatch.inference.CircuitState;
import dev.stackwatch.inference.ProviderException;
import dev.stackwatch.inference.TokenSink;
import dev.stackwatch.inference.UpstreamStatus;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs upstream calls for one provider behind its concurrency limit and circuit breaker, retrying failed attempts
 * with jittered exponential backoff, but only while the failure is retryable, the retry budget allows it and no token
 * has reached the client yet (a retried stream would repeat text the client already has).
 */
public final class UpstreamGuard implements UpstreamStatus {
    /** One try at the call; {@code progress} wraps the sink so the guard knows whether output has begun. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run(Progress progress);
    }

    /** Whether this attempt may still be repeated, and whether the upstream answered with a failure of its own. */
    public static final class Progress {
        private final Runnable onAnswer;
        private boolean begun;
        private boolean answered;
        private String upstreamFailure;

        Progress(Runnable onAnswer) {
            this.onAnswer = onAnswer;
        }

        public TokenSink track(TokenSink sink) {
            return new TokenSink() {
                @Override
                public void token(String text) {
                    begin();
                    answered();
                    sink.token(text);
                }

                @Override
                public void toolCalls(JsonNode deltas) {
                    begin();
                    answered();
                    sink.toolCalls(deltas);
                }

                @Override
                public void flush() {
                    sink.flush();
                }
            };
        }

        /**
         * The upstream began a good answer: a half-open circuit closes now, so one long probe stream never makes
         * every other call to this provider fail fast until it ends.
         */
        public void answered() {
            if (!answered) {
                answered = true;
                onAnswer.run();
            }
        }

        /**
         * From here on the attempt is never repeated: call before the first relayed byte goes to the client, or before
         * sending a request that is not safe to send twice.
         */
        public void begin() {
            begun = true;
        }

        /** A relayed answer that is the upstream failing (a 5xx): counts against the breaker, like an exception. */
        public void upstreamFailed(String why) {
            upstreamFailure = why;
        }

        boolean begun() {
            return begun;
        }
    }

    private final String providerId;
    private final ResilienceSettings settings;
    private final Bulkhead bulkhead;
    private final CircuitBreaker breaker;
    private final RetryBudget budget;

    public UpstreamGuard(String providerId, ResilienceSettings settings) {
        this.providerId = providerId;
        this.settings = settings;
        this.bulkhead = new Bulkhead(providerId, settings.maxConcurrency(), settings.maxQueue(),
                settings.queueTimeout());
        this.breaker = new CircuitBreaker(providerId, settings.breakerFailureThreshold(), settings.breakerOpenFor(),
                System::nanoTime);
        this.budget = new RetryBudget(settings.retryBudgetRatio());
    }

    /**
     * Runs {@code attempt}, retrying as described above. The breaker sees one outcome per call, not per attempt, so
     * its threshold counts failed client requests.
     */
    public <T> T call(Attempt<T> attempt) {
        bulkhead.acquire();
        try {
            breaker.acquire();
            budget.deposit();
            for (int retry = 0; ; retry++) {
                Progress progress = new Progress(breaker::answered);
                try {
                    T result = attempt.run(progress);
                    if (progress.upstreamFailure != null) {
                        breaker.failure(progress.upstreamFailure);
                    } else {
                        breaker.success();
                    }
                    return result;
                } catch (UpstreamFailure f) {
                    if (Thread.currentThread().isInterrupted()) {
                        // The call was cancelled here (its client left, the drain deadline passed): that says
                        // nothing about the upstream, and a retry would be cancelled too.
                        breaker.neutral();
                        throw f.toProviderException(providerId);
                    }
                    if (f.retryable() && !progress.begun() && retry < settings.maxRetries() && budget.withdraw()) {
                        backoff(retry);
                        continue;
                    }
                    if (f.tripsBreaker()) {
                        breaker.failure(f.getMessage());
                    } else {
                        breaker.success();
                    }
                    throw f.toProviderException(providerId);
                } catch (RuntimeException e) {
                    breaker.neutral();
                    throw e;
                }
            }
        } finally {
            bulkhead.release();
        }
    }

    /** "Equal jitter": half the exponential delay fixed, half random, so retries from many clients spread out. */
    private void backoff(int retry) {
        long base = settings.retryBackoff().toNanos() << Math.min(retry, 10);
        long delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        try {
            Thread.sleep(Duration.ofNanos(delay));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            breaker.neutral();
            throw new ProviderException(ProviderException.Kind.UNAVAILABLE, providerId, "interrupted before retrying");
        }
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    @Override
    public CircuitState circuitState() {
        return breaker.state();
    }

    @Override
    public int inFlight() {
        return bulkhead.inFlight();
    }

    @Override
    public int queued() {
        return bulkhead.queued();
    }
}
