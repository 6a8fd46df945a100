package dev.stackwatch.telemetry.logging;

import dev.stackwatch.config.ConfigException;
import java.util.Map;
import java.util.Set;

/**
 * {@code LOG_LEVEL}, {@code LOG_FORMAT} and {@code LOG_PROMPTS}. LogbackSetup reads the first two itself; they are
 * checked here first because a bad value there would silently lose every log line instead of failing start-up.
 */
public record LogSettings(String level, String format, boolean logPrompts) {
    public static final LogSettings DEFAULTS = new LogSettings("info", "text", false);
    private static final Set<String> LEVELS = Set.of("debug", "info", "warn", "error");
    private static final Set<String> FORMATS = Set.of("json", "text");

    public static LogSettings fromEnv(Map<String, String> env) {
        return new LogSettings(
                oneOf(env, "LOG_LEVEL", LEVELS, DEFAULTS.level()),
                oneOf(env, "LOG_FORMAT", FORMATS, DEFAULTS.format()),
                Boolean.parseBoolean(oneOf(env, "LOG_PROMPTS", Set.of("true", "false"), "false")));
    }

    private static String oneOf(Map<String, String> env, String name, Set<String> allowed, String fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        if (!allowed.contains(value)) {
            throw new ConfigException("environment", name, "'" + value + "' is not one of "
                    + allowed.stream().sorted().toList());
        }
        return value;
    }
}
