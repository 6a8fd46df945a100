package dev.stackwatch.inference;

import java.util.Optional;

public enum ModelType {
    LLM("llm"), EMBEDDING("embedding");

    private final String wire;

    ModelType(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<ModelType> parse(String text) {
        for (ModelType t : values()) {
            if (t.wire.equals(text)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
