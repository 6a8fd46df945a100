package dev.stackwatch.provider.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.stackwatch.config.ConfigNode;
import dev.stackwatch.inference.Model;
import dev.stackwatch.inference.ModelType;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code discover_models} (default false) and {@code discover_interval_ms} (default 60000) of a remote provider, and
 * how a discovered upstream model becomes a catalog model.
 */
public record Discovery(Optional<Duration> interval) {
    public static Discovery read(ConfigNode config) {
        Duration interval = config.millis("discover_interval_ms", Duration.ofMinutes(1));
        if (interval.isZero()) {
            throw config.child("discover_interval_ms").error("must be at least 1 ms");
        }
        return new Discovery(config.bool("discover_models", false) ? Optional.of(interval) : Optional.empty());
    }

    /**
     * A discovered model under its upstream name. Model listings rarely say what a model is for, so names with
     * "embed" in them (nomic-embed-text, text-embedding-3-small) are taken as embedding models.
     */
    public static Model model(String providerId, String upstreamId) {
        ModelType type = upstreamId.toLowerCase(Locale.ROOT).contains("embed") ? ModelType.EMBEDDING : ModelType.LLM;
        return new Model(upstreamId, providerId, upstreamId, type,
                JsonNodeFactory.instance.objectNode().put("discovered", true));
    }
}
