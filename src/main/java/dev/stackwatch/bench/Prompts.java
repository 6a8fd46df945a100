package dev.stackwatch.bench;

import java.util.random.RandomGenerator;

/**
 * Synthetic prompts of a chosen length. Each word is a short common English word, which most tokenizers (and the
 * simulator's) count as one token, so N words is close to N prompt tokens without shipping a tokenizer.
 */
final class Prompts {
    private static final String[] WORDS = {"the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "and",
        "runs", "far", "away", "from", "home", "to", "see", "what", "lies", "beyond", "hill"};

    private Prompts() {
    }

    static String of(int tokens, RandomGenerator random) {
        StringBuilder text = new StringBuilder(tokens * 5);
        for (int i = 0; i < tokens; i++) {
            if (i > 0) {
                text.append(' ');
            }
            text.append(WORDS[random.nextInt(WORDS.length)]);
        }
        return text.toString();
    }
}
