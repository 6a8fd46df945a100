package dev.stackwatch.wire;

/** Searching encoded bodies, which the JDK's arrays cannot do for a run of bytes. */
public final class Bytes {
    private Bytes() {
    }

    /** Where {@code pattern} first occurs in {@code data} at or after {@code from}, or -1. */
    public static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = Math.max(from, 0); i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
