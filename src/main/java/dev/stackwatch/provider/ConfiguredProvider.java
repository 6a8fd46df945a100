package dev.stackwatch.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stackwatch.config.ProviderConfig;
import dev.stackwatch.config.Redaction;
import dev.stackwatch.inference.InferenceProvider;

/**
 * What every provider made from a run.yaml entry shares: its id, its LlamaStack type and its config as
 * {@code /v1/providers} shows it, secrets redacted. Subclasses bring the inference.
 */
public abstract class ConfiguredProvider implements InferenceProvider {
    private final String id;
    private final String type;
    private final JsonNode describedConfig;

    protected ConfiguredProvider(String type, ProviderConfig config) {
        this.id = config.providerId();
        this.type = type;
        this.describedConfig = Redaction.redact(config.config().raw());
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final String type() {
        return type;
    }

    @Override
    public final JsonNode describeConfig() {
        return describedConfig;
    }
}
