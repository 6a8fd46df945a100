package dev.stackwatch.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded polling: the only way tests wait for something to happen. */
public final class Polling {
    private Polling() {
    }

    public static void await(Duration timeout, String what, BooleanSupplier condition) {
        awaitValue(timeout, what, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
    }

    /** Polls until {@code supplier} returns non-null (exceptions count as "not yet"); fails after {@code timeout}. */
    public static <T> T awaitValue(Duration timeout, String what, Supplier<T> supplier) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable last = null;
        while (true) {
            try {
                T value = supplier.get();
                if (value != null) {
                    return value;
                }
            } catch (RuntimeException | AssertionError e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError error = new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
                if (last != null) {
                    error.initCause(last);
                }
                throw error;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }
}
