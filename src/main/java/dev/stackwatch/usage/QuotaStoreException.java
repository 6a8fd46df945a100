package dev.stackwatch.usage;

/** The quota store could not answer in time; the configured failure mode decides what happens to the request. */
final class QuotaStoreException extends RuntimeException {
    QuotaStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
