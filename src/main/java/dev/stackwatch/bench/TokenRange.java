package dev.stackwatch.bench;

import java.util.random.RandomGenerator;

/** A length drawn uniformly from {@code min..max} inclusive; written {@code 64} or {@code 64:256} on the command line. */
public record TokenRange(int min, int max) {
    public TokenRange {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("token range must be N or MIN:MAX with 1 <= MIN <= MAX, got " + min + ":" + max);
        }
    }

    public static TokenRange parse(String text) {
        String[] parts = text.split(":", -1);
        try {
            int min = Integer.parseInt(parts[0].strip());
            return switch (parts.length) {
                case 1 -> new TokenRange(min, min);
                case 2 -> new TokenRange(min, Integer.parseInt(parts[1].strip()));
                default -> throw new IllegalArgumentException("token range must be N or MIN:MAX, got '" + text + "'");
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("token range must be N or MIN:MAX, got '" + text + "'", e);
        }
    }

    public int sample(RandomGenerator random) {
        return min == max ? min : random.nextInt(min, max + 1);
    }

    @Override
    public String toString() {
        return min == max ? Integer.toString(min) : min + ":" + max;
    }
}
