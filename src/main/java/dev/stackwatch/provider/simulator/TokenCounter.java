package dev.stackwatch.provider.simulator;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A deterministic stand-in for a tokenizer: words, numbers and single punctuation marks each count as a token. */
final class TokenCounter {
    private static final Pattern TOKEN = Pattern.compile("\\p{L}+|\\p{N}+|[^\\s\\p{L}\\p{N}]");
    /** Chat formats add a few tokens per message for the role and separators, as real chat templates do. */
    static final int PER_MESSAGE_OVERHEAD = 4;

    private TokenCounter() {
    }

    static int count(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        Matcher m = TOKEN.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
