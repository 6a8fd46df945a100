package dev.stackwatch.inference;

public final class ModelNotFoundException extends RuntimeException {
    private final String modelId;

    public ModelNotFoundException(String modelId) {
        super("model '" + modelId + "' not found");
        this.modelId = modelId;
    }

    public String modelId() {
        return modelId;
    }
}
