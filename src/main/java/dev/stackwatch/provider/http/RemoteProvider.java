package dev.stackwatch.provider.http;

/**
 * A provider backed by a remote upstream. Its live resilience state (circuit, in-flight, queued) is for metrics and
 * readiness; reach providers through {@code ObservedProvider.delegate()}.
 */
public interface RemoteProvider {
    UpstreamStatus upstreamStatus();
}
