package dev.stackwatch.api;

import dev.stackwatch.wire.Bytes;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;

/**
 * The mapper's bytes for a value built with markers in some of its fields, cut at each marker: the holes are filled
 * with the bytes the mapper would have written there. Immutable: filling holes makes a new one.
 */
final class JsonHoles {
    /** One more piece than holes. */
    private final byte[][] pieces;
    /** The markers whose holes these are, in the order they come. */
    private final int[] holes;

    private JsonHoles(byte[][] pieces, int[] holes) {
        this.pieces = pieces;
        this.holes = holes;
    }

    /**
     * {@code encoded} cut at each of {@code markers} (numbered by their place in the list), or null when a marker does
     * not occur exactly once, or two overlap: then the shape cannot be spliced, and the caller keeps to the mapper.
     */
    static JsonHoles cut(byte[] encoded, List<byte[]> markers) {
        int n = markers.size();
        int[] at = new int[n];
        Integer[] order = new Integer[n];
        for (int m = 0; m < n; m++) {
            at[m] = Bytes.indexOf(encoded, markers.get(m), 0);
            if (at[m] < 0 || Bytes.indexOf(encoded, markers.get(m), at[m] + 1) >= 0) {
                return null;
            }
            order[m] = m;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(at[a], at[b]));
        byte[][] pieces = new byte[n + 1][];
        int[] holes = new int[n];
        int from = 0;
        for (int i = 0; i < n; i++) {
            int m = order[i];
            if (at[m] < from) {
                return null;
            }
            pieces[i] = Arrays.copyOfRange(encoded, from, at[m]);
            holes[i] = m;
            from = at[m] + markers.get(m).length;
        }
        pieces[n] = Arrays.copyOfRange(encoded, from, encoded.length);
        return new JsonHoles(pieces, holes);
    }

    /** This with the holes of the markers that have a value in {@code values} (indexed by marker) filled. */
    JsonHoles fill(byte[][] values) {
        int left = 0;
        for (int marker : holes) {
            if (values[marker] == null) {
                left++;
            }
        }
        byte[][] filledPieces = new byte[left + 1][];
        int[] leftHoles = new int[left];
        int piece = 0;
        int start = 0;
        for (int i = 0; i <= holes.length; i++) {
            if (i == holes.length || values[holes[i]] == null) {
                filledPieces[piece] = join(start, i, values);
                if (i < holes.length) {
                    leftHoles[piece] = holes[i];
                }
                piece++;
                start = i + 1;
            }
        }
        return new JsonHoles(filledPieces, leftHoles);
    }

    /** The bytes, every hole filled. */
    byte[] bytes() {
        if (holes.length != 0) {
            throw new IllegalStateException(holes.length + " holes left");
        }
        return pieces[0];
    }

    /**
     * Writes the bytes, with the one hole left filled with {@code value}, to {@code out}: a streamed delta goes straight
     * into its batch instead of through an array of its own.
     */
    void writeWith(byte[] value, ByteArrayOutputStream out) {
        if (holes.length != 1) {
            throw new IllegalStateException(holes.length + " holes left, not one");
        }
        out.writeBytes(pieces[0]);
        out.writeBytes(value);
        out.writeBytes(pieces[1]);
    }

    /** Pieces {@code from} to {@code to} with the holes between them filled, in one array. */
    private byte[] join(int from, int to, byte[][] values) {
        int length = 0;
        for (int i = from; i <= to; i++) {
            length += pieces[i].length + (i < to ? values[holes[i]].length : 0);
        }
        byte[] joined = new byte[length];
        int at = 0;
        for (int i = from; i <= to; i++) {
            System.arraycopy(pieces[i], 0, joined, at, pieces[i].length);
            at += pieces[i].length;
            if (i < to) {
                byte[] value = values[holes[i]];
                System.arraycopy(value, 0, joined, at, value.length);
                at += value.length;
            }
        }
        return joined;
    }
}
