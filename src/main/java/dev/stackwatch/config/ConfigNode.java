package dev.stackwatch.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A node of a parsed configuration that knows where it came from, so that every typed read fails with a message naming
 * the file and the full field path ({@code providers.inference[0].config.url}).
 */
public final class ConfigNode {
    private final String source;
    private final String path;
    private final JsonNode node;
    private final Consumer<String> warnings;

    public ConfigNode(String source, String path, JsonNode node, Consumer<String> warnings) {
        this.source = source;
        this.path = path;
        this.node = node == null ? JsonNodeFactory.instance.missingNode() : node;
        this.warnings = warnings;
    }

    public String source() {
        return source;
    }

    public String path() {
        return path;
    }

    public boolean isMissing() {
        return node.isMissingNode() || node.isNull() || (node.isTextual() && node.asText().isEmpty());
    }

    public JsonNode raw() {
        return node;
    }

    public ConfigNode child(String key) {
        if (!isMissing() && !node.isObject()) {
            throw error("must be a mapping");
        }
        return new ConfigNode(source, join(key), node.get(key), warnings);
    }

    public boolean has(String key) {
        return node.isObject() && !child(key).isMissing();
    }

    public ConfigException error(String problem) {
        return new ConfigException(source, path, problem);
    }

    public Optional<String> text(String key) {
        ConfigNode c = child(key);
        if (c.isMissing()) {
            return Optional.empty();
        }
        if (!c.node.isValueNode()) {
            throw c.error("must be a string");
        }
        return Optional.of(c.node.asText());
    }

    public String text(String key, String fallback) {
        return text(key).orElse(fallback);
    }

    public String requiredText(String key) {
        return text(key).orElseThrow(() -> child(key).error("is required"));
    }

    public int integer(String key, int fallback, int min, int max) {
        return (int) longValue(key, fallback, min, max);
    }

    public long longValue(String key, long fallback, long min, long max) {
        ConfigNode c = child(key);
        if (c.isMissing()) {
            return fallback;
        }
        long value;
        try {
            value = c.node.isIntegralNumber() ? c.node.asLong() : Long.parseLong(c.node.asText().trim());
        } catch (NumberFormatException e) {
            throw c.error("'" + c.node.asText() + "' is not an integer");
        }
        if (value < min || value > max) {
            throw c.error(value + " is out of range (" + min + ".." + max + ")");
        }
        return value;
    }

    public double number(String key, double fallback, double min, double max) {
        ConfigNode c = child(key);
        if (c.isMissing()) {
            return fallback;
        }
        double value;
        try {
            value = c.node.isNumber() ? c.node.asDouble() : Double.parseDouble(c.node.asText().trim());
        } catch (NumberFormatException e) {
            throw c.error("'" + c.node.asText() + "' is not a number");
        }
        if (!(value >= min && value <= max)) {
            throw c.error(value + " is out of range (" + min + ".." + max + ")");
        }
        return value;
    }

    public boolean bool(String key, boolean fallback) {
        ConfigNode c = child(key);
        if (c.isMissing()) {
            return fallback;
        }
        if (c.node.isBoolean()) {
            return c.node.asBoolean();
        }
        return switch (c.node.asText().trim().toLowerCase()) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw c.error("'" + c.node.asText() + "' is not a boolean");
        };
    }

    /** A duration given in milliseconds under {@code key}. */
    public Duration millis(String key, Duration fallback) {
        ConfigNode c = child(key);
        if (c.isMissing()) {
            return fallback;
        }
        return Duration.ofMillis(longValue(key, 0, 0, Duration.ofDays(1).toMillis()));
    }

    public List<ConfigNode> list(String key) {
        ConfigNode c = child(key);
        if (c.isMissing()) {
            return List.of();
        }
        if (!c.node.isArray()) {
            throw c.error("must be a list");
        }
        List<ConfigNode> items = new ArrayList<>();
        for (int i = 0; i < c.node.size(); i++) {
            items.add(new ConfigNode(source, c.path + "[" + i + "]", c.node.get(i), warnings));
        }
        return items;
    }

    /** Warns once per key of this mapping that is not in {@code known}; unknown keys never stop start-up. */
    public void warnUnknownKeys(Set<String> known) {
        if (!node.isObject()) {
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                warnings.accept(source + ": " + join(key) + ": unknown key, ignored");
            }
        }
    }

    public void warn(String message) {
        warnings.accept(source + ": " + path + ": " + message);
    }

    private String join(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
