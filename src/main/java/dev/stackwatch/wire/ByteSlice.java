package dev.stackwatch.wire;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bytes {@code array[from, to)}, read in place: a streamed chunk's line, then its data, is a view of the upstream
 * read it came in instead of a copy of it. The array must not change while a slice of it is in use; records compare
 * arrays by identity, so two slices are equal only when they view the same array.
 */
public record ByteSlice(byte[] array, int from, int to) {
    public ByteSlice {
        if (from < 0 || to < from || to > array.length) {
            throw new IndexOutOfBoundsException("[" + from + ", " + to + ") of " + array.length + " bytes");
        }
    }

    /** The whole of {@code bytes}. */
    public static ByteSlice of(byte[] bytes) {
        return new ByteSlice(bytes, 0, bytes.length);
    }

    public int length() {
        return to - from;
    }

    /** The byte at {@code index}, counted from this slice's start. */
    public byte at(int index) {
        return array[from + index];
    }

    /** This slice without its first {@code count} bytes. */
    public ByteSlice skip(int count) {
        return new ByteSlice(array, from + count, to);
    }

    /** Whether this slice holds exactly {@code bytes}. */
    public boolean contentEquals(byte[] bytes) {
        return Arrays.equals(array, from, to, bytes, 0, bytes.length);
    }

    /** Whether this slice begins with {@code prefix}. */
    public boolean startsWith(byte[] prefix) {
        return length() >= prefix.length && Arrays.equals(array, from, from + prefix.length, prefix, 0, prefix.length);
    }

    /** Appends the bytes to {@code out}. */
    public void writeTo(ByteArrayOutputStream out) {
        out.write(array, from, to - from);
    }

    /** A copy of the bytes, in an array of their own. */
    public byte[] toArray() {
        return Arrays.copyOfRange(array, from, to);
    }

    /** The bytes decoded as UTF-8 (malformed bytes become U+FFFD), for messages. */
    public String utf8() {
        return new String(array, from, to - from, StandardCharsets.UTF_8);
    }
}
