package dev.stackwatch.telemetry;

import dev.stackwatch.inference.ClientDisconnectedException;
import dev.stackwatch.inference.Operation;
import dev.stackwatch.inference.ProviderException;
import java.util.Locale;

/** The GenAI semantic-convention values spans and OTLP metrics both write, so the two always agree. */
public final class GenAiNames {
    private GenAiNames() {
    }

    /** {@code gen_ai.operation.name}. */
    public static String operationName(Operation operation) {
        return switch (operation) {
            // The conventions name no Responses operation; it generates chat turns.
            case CHAT, RESPONSES -> "chat";
            case COMPLETION -> "text_completion";
            case EMBEDDINGS -> "embeddings";
        };
    }

    /** {@code gen_ai.provider.name}: {@code remote::openai} becomes {@code openai}, the semconv's well-known name. */
    public static String providerName(String providerType) {
        int separator = providerType.indexOf("::");
        return separator < 0 ? providerType : providerType.substring(separator + 2);
    }

    /** {@code error.type} of a failed call: {@code cancelled}, the provider error's kind, or the exception class. */
    public static String errorType(Throwable failure) {
        return switch (failure) {
            case ClientDisconnectedException e -> "cancelled";
            case ProviderException e -> e.kind().name().toLowerCase(Locale.ROOT);
            default -> failure.getClass().getName();
        };
    }
}
