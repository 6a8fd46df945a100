package dev.stackwatch.config;

/**
 * One entry of {@code providers.inference}. The provider's own {@code config} block is read by its factory through
 * {@link #config()}; {@link #entry()} lets errors point at any field of the entry. {@code required} providers gate
 * readiness; the others' failures are reported without taking the instance out of service.
 */
public record ProviderConfig(String providerId, String providerType, boolean required, ConfigNode entry) {
    public ConfigNode config() {
        return entry.child("config");
    }
}
