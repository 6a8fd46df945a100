package dev.stackwatch.config.usage;

import java.util.Locale;

/**
 * The limits a key can have: what is counted (requests, tokens, spend) over which {@link Window}. Spend is counted in
 * millionths of the configured currency so every counter is an integer Redis can add atomically.
 */
public enum Quota {
    REQUESTS_PER_MINUTE(Window.MINUTE, Measure.REQUESTS),
    TOKENS_PER_MINUTE(Window.MINUTE, Measure.TOKENS),
    TOKENS_PER_DAY(Window.DAY, Measure.TOKENS),
    TOKENS_PER_MONTH(Window.MONTH, Measure.TOKENS),
    SPEND_PER_DAY(Window.DAY, Measure.SPEND),
    SPEND_PER_MONTH(Window.MONTH, Measure.SPEND);

    public enum Measure { REQUESTS, TOKENS, SPEND }

    /** Spend counters hold micro-units of the currency. */
    public static final double MICROS = 1_000_000.0;

    private final Window window;
    private final Measure measure;
    private final String label;

    Quota(Window window, Measure measure) {
        this.window = window;
        this.measure = measure;
        this.label = name().toLowerCase(Locale.ROOT);
    }

    public Window window() {
        return window;
    }

    public Measure measure() {
        return measure;
    }

    /** The name in run.yaml, in metric labels and in the {@code /usage} answer. */
    public String label() {
        return label;
    }
}
