package dev.stackwatch.config;

/**
 * A configuration problem that stops start-up. The message always names the source (file or environment variable)
 * and the field, so one line on stderr tells an operator exactly what to fix.
 */
public final class ConfigException extends RuntimeException {
    public ConfigException(String source, String field, String problem) {
        super(source + ": " + (field.isEmpty() ? "" : field + ": ") + problem);
    }
}
