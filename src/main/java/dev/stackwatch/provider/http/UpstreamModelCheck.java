package dev.stackwatch.provider.http;

import dev.stackwatch.inference.Model;
import dev.stackwatch.inference.ProviderException;
import java.time.Duration;
import java.util.List;

/**
 * What loading a remote model means: the upstream answers and lists it. An upstream that is still starting (refused
 * connections, 503) is asked again until {@code loadTimeout}, so the model stays "loading" rather than failing for
 * good because Stackwatch happened to start first.
 */
public record UpstreamModelCheck(String providerId, Duration loadTimeout) {
    private static final Duration FIRST_PAUSE = Duration.ofMillis(100);
    private static final Duration MAX_PAUSE = Duration.ofSeconds(2);

    public void await(Model model, ModelLister lister) {
        long deadline = System.nanoTime() + loadTimeout.toNanos();
        Duration pause = FIRST_PAUSE;
        while (true) {
            List<String> served;
            try {
                served = lister.listModels();
            } catch (UpstreamFailure f) {
                if (f.tripsBreaker() && System.nanoTime() + pause.toNanos() < deadline) {
                    sleep(pause);
                    pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
                    continue;
                }
                throw new ProviderException(f.kind(), providerId, "model '" + model.id() + "' cannot be loaded: "
                        + f.getMessage() + (f.tripsBreaker() ? " (gave up after load_timeout_ms "
                        + loadTimeout.toMillis() + ")" : ""), f);
            }
            if (!served.contains(model.providerModelId())) {
                throw new ProviderException(ProviderException.Kind.NOT_FOUND, providerId, "upstream does not serve '"
                        + model.providerModelId() + "' (it serves: " + String.join(", ", served) + ")");
            }
            return;
        }
    }

    private void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(ProviderException.Kind.UNAVAILABLE, providerId, "interrupted while loading");
        }
    }
}
