package dev.stackwatch.inference;

/** The model exists but cannot serve yet (still loading) or any more (load failed). */
public final class ModelNotReadyException extends RuntimeException {
    private final ModelState state;

    public ModelNotReadyException(String modelId, ModelState state) {
        super(switch (state) {
            case ModelState.Failed f -> "model '" + modelId + "' failed to load: " + f.reason();
            default -> "model '" + modelId + "' is still loading; retry shortly";
        });
        this.state = state;
    }

    public ModelState state() {
        return state;
    }
}
