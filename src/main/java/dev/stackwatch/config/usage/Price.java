package dev.stackwatch.config.usage;

/** What a model costs per million tokens, in the configured currency. */
public record Price(double inputPerMillion, double outputPerMillion) {
    public static final Price FREE = new Price(0, 0);

    /** An estimate from the usage the provider reported, not a bill. */
    public double cost(long inputTokens, long outputTokens) {
        return (inputTokens * inputPerMillion + outputTokens * outputPerMillion) / 1_000_000.0;
    }
}
