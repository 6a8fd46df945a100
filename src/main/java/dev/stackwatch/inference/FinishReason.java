package dev.stackwatch.inference;

public enum FinishReason {
    STOP("stop"), LENGTH("length"), TOOL_CALLS("tool_calls"), CONTENT_FILTER("content_filter");

    private final String wire;

    FinishReason(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static FinishReason fromWire(String text) {
        for (FinishReason r : values()) {
            if (r.wire.equals(text)) {
                return r;
            }
        }
        return STOP;
    }
}
