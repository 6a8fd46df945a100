package dev.stackwatch.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The mapper's bytes for a value built with markers in some of its fields, cut at each marker: the holes are filled
 * with the bytes the mapper would have written there. Immutable: filling a hole makes a new one.
 */
final class JsonHoles {
    /** One more piece than holes; the holes' markers in the order they come. */
    private final List<byte[]> pieces;
    private final List<Integer> holes;

    private JsonHoles(List<byte[]> pieces, List<Integer> holes) {
        this.pieces = pieces;
        this.holes = holes;
    }

    /**
     * {@code encoded} cut at each of {@code markers} (numbered by their place in the list), or null when a marker does
     * not occur exactly once: then the shape cannot be spliced, and the caller keeps to the mapper.
     */
    static JsonHoles cut(byte[] encoded, List<byte[]> markers) {
        int[] at = new int[markers.size()];
        Integer[] order = new Integer[markers.size()];
        for (int m = 0; m < markers.size(); m++) {
            at[m] = indexOf(encoded, markers.get(m), 0);
            if (at[m] < 0 || indexOf(encoded, markers.get(m), at[m] + 1) >= 0) {
                return null;
            }
            order[m] = m;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(at[a], at[b]));
        List<byte[]> pieces = new ArrayList<>(order.length + 1);
        int from = 0;
        for (int m : order) {
            if (at[m] < from) {
                return null;   // two markers overlap
            }
            pieces.add(Arrays.copyOfRange(encoded, from, at[m]));
            from = at[m] + markers.get(m).length;
        }
        pieces.add(Arrays.copyOfRange(encoded, from, encoded.length));
        return new JsonHoles(List.copyOf(pieces), List.of(order));
    }

    /** This with the hole of marker {@code marker} filled with {@code value}. */
    JsonHoles fill(int marker, byte[] value) {
        int hole = holes.indexOf(marker);
        List<byte[]> filled = new ArrayList<>(pieces.size() - 1);
        filled.addAll(pieces.subList(0, hole));
        filled.add(concat(pieces.get(hole), value, pieces.get(hole + 1)));
        filled.addAll(pieces.subList(hole + 2, pieces.size()));
        List<Integer> left = new ArrayList<>(holes);
        left.remove(hole);
        return new JsonHoles(List.copyOf(filled), List.copyOf(left));
    }

    /** The bytes, every hole filled. */
    byte[] bytes() {
        if (!holes.isEmpty()) {
            throw new IllegalStateException(holes.size() + " holes left");
        }
        return pieces.get(0);
    }

    /** The bytes, with the one hole left filled with {@code value}. */
    byte[] with(byte[] value) {
        if (holes.size() != 1) {
            throw new IllegalStateException(holes.size() + " holes left, not one");
        }
        return concat(pieces.get(0), value, pieces.get(1));
    }

    private static byte[] concat(byte[] before, byte[] value, byte[] after) {
        byte[] bytes = Arrays.copyOf(before, before.length + value.length + after.length);
        System.arraycopy(value, 0, bytes, before.length, value.length);
        System.arraycopy(after, 0, bytes, before.length + value.length, after.length);
        return bytes;
    }

    private static int indexOf(byte[] bytes, byte[] part, int from) {
        outer:
        for (int i = from; i <= bytes.length - part.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (bytes[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
