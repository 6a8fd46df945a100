package dev.stackwatch.inference;

/** What a provider call does; {@link #label()} is the value used in metrics and spans. */
public enum Operation {
    CHAT("chat"), COMPLETION("completion"), EMBEDDINGS("embeddings"),
    /** The Responses API ({@code POST /v1/responses}), relayed to an upstream LlamaStack or simulated. */
    RESPONSES("responses");

    private final String label;

    Operation(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
