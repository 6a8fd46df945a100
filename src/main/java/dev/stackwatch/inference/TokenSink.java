package dev.stackwatch.inference;

/**
 * Receives generated text as it is produced. A sink throws {@link ClientDisconnectedException} when nobody is listening
 * any more; providers let it propagate so that the upstream work stops.
 */
@FunctionalInterface
public interface TokenSink {
    TokenSink DISCARD = token -> {};

    void token(String text);
}
