package dev.stackwatch.config.usage;

import java.util.Set;

/**
 * {@code server.usage.tenant}: a request header that names the tenant a request is for, within one API key (a
 * platform team's key used by several of its customers). Only the configured values become labels; any other value
 * is {@value #OTHER} and a request without the header {@value #NONE}, so the label stays bounded whatever clients send.
 */
public record TenantConfig(String header, Set<String> values) {
    public static final String NONE = "none";
    public static final String OTHER = "other";

    public TenantConfig {
        values = Set.copyOf(values);
    }

    /** The label for a request whose header had {@code value} (null when absent). */
    public String label(String value) {
        if (value == null || value.isBlank()) {
            return NONE;
        }
        String v = value.trim();
        return values.contains(v) ? v : OTHER;
    }
}
