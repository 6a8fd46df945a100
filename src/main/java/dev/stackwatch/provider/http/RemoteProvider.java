package dev.stackwatch.provider.http;

import dev.stackwatch.inference.InferenceProvider;
import dev.stackwatch.inference.UpstreamEndpoint;
import java.util.Optional;

/**
 * A provider backed by a remote upstream. Its live resilience state (circuit, in-flight, queued) is for metrics and
 * readiness; reach providers through {@code ObservedProvider.delegate()}.
 */
public interface RemoteProvider extends InferenceProvider {
    /** What the provider is made of: its URL, client and guard. */
    RemoteUpstream remote();

    default UpstreamStatus upstreamStatus() {
        return remote().guard();
    }

    @Override
    default Optional<UpstreamEndpoint> endpoint() {
        return Optional.of(remote().http().settings().endpoint());
    }
}
