package dev.stackwatch.inference;

/** LlamaStack's provider health: status is OK, Error or Not Implemented; message says why when not OK. */
public record ProviderHealth(Status status, String message) {
    public enum Status {
        OK("OK"), ERROR("Error"), NOT_IMPLEMENTED("Not Implemented");

        private final String wire;

        Status(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    public static ProviderHealth ok() {
        return new ProviderHealth(Status.OK, null);
    }

    public static ProviderHealth error(String message) {
        return new ProviderHealth(Status.ERROR, message);
    }

    public boolean isOk() {
        return status == Status.OK;
    }
}
