package dev.stackwatch.console;

import dev.stackwatch.inference.ClientDisconnectedException;
import dev.stackwatch.inference.InferenceObserver;
import dev.stackwatch.inference.Model;
import dev.stackwatch.inference.ProviderException;
import java.time.Duration;

/** Feeds provider failures and failed model loads into {@link RecentErrors}; client cancellations are not errors. */
public final class ErrorRecordingObserver implements InferenceObserver {
    private final RecentErrors errors;

    public ErrorRecordingObserver(RecentErrors errors) {
        this.errors = errors;
    }

    @Override
    public Call start(CallInfo info) {
        return new Call() {
            @Override
            public void failed(Throwable failure) {
                if (!(failure instanceof ClientDisconnectedException)) {
                    errors.add(entry("provider", info.model(), failure));
                }
            }
        };
    }

    @Override
    public void relayFailed(String providerId, String route, Throwable failure) {
        if (failure instanceof ProviderException p) {
            errors.add(new RecentErrors.Entry(System.currentTimeMillis(), "relay", route + " @ " + providerId,
                    p.kind().code(), p.kind().status(), p.getMessage()));
        }
    }

    @Override
    public void modelLoaded(Model model, String providerType, Duration took, Throwable failure) {
        if (failure != null) {
            errors.add(entry("model load", model, failure));
        }
    }

    /**
     * Only a {@link ProviderException}'s message is shown: providers write those themselves. Any other exception's
     * message could quote its input, so only its type is kept.
     */
    private static RecentErrors.Entry entry(String source, Model model, Throwable failure) {
        String subject = model.id() + " @ " + model.providerId();
        if (failure instanceof ProviderException p) {
            return new RecentErrors.Entry(System.currentTimeMillis(), source, subject, p.kind().code(), p.kind().status(),
                    p.getMessage());
        }
        return new RecentErrors.Entry(System.currentTimeMillis(), source, subject, "internal_error", 500,
                failure.getClass().getSimpleName());
    }
}
