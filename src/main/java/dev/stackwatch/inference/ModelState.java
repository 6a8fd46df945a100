package dev.stackwatch.inference;

import java.time.Duration;

/** Where a model is in its life: loading, ready (with how long loading took) or failed (with why). */
public sealed interface ModelState {
    record Loading() implements ModelState {}

    record Ready(Duration loadTime) implements ModelState {}

    record Failed(String reason) implements ModelState {}

    default String label() {
        return switch (this) {
            case Loading l -> "loading";
            case Ready r -> "ready";
            case Failed f -> "failed";
        };
    }
}
