package dev.stackwatch.provider.http;

import dev.stackwatch.inference.Model;
import java.time.Duration;
import java.util.Optional;

/**
 * Load times an upstream reports itself (Ollama's {@code load_duration}), which are more exact than Stackwatch's own
 * wall-clock around {@code load(Model)}: they exclude HTTP overhead and include reloads Ollama does on demand after
 * evicting a model. For the model-load metric; reach providers through {@code ObservedProvider.delegate()}.
 */
public interface UpstreamLoadTimes {
    /** The load duration the upstream last reported for this model, if it reported one. */
    Optional<Duration> lastReportedLoadTime(Model model);
}
