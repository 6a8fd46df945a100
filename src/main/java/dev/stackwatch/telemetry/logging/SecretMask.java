package dev.stackwatch.telemetry.logging;

import java.util.regex.Pattern;

/**
 * The last line of defence for secrets in logs: whatever a library writes (Helidon's debug logging prints request
 * headers), bearer tokens, API keys and Authorization values are masked before a line leaves the process. Our own code
 * never logs them. One expression for both log formats; a cheap scan skips it for the lines that cannot match, which
 * is nearly all of them (running it on every access line cost more than the rest of the line's formatting).
 */
public final class SecretMask {
    private static final Pattern SECRET = Pattern.compile(
            "(?i)((?:authorization|api[_-]?key)\"?\\s*[:=]\\s*\"?(?:bearer\\s+|basic\\s+)?|bearer\\s+)[^\\s\",]+");

    private SecretMask() {
    }

    public static String mask(String text) {
        return mightContainSecret(text) ? SECRET.matcher(text).replaceAll("$1********") : text;
    }

    /**
     * Whether {@code text} holds a marker, ignoring ASCII case (the expression's {@code (?i)} is ASCII-only). Most
     * lines have many a's and b's and no marker, so the next letters are looked at before a marker is compared:
     * comparing all three markers at every a and b was a fifth of an access line's formatting.
     */
    static boolean mightContainSecret(String text) {
        for (int i = 0, n = text.length() - 2; i < n; i++) {
            // | 0x20 lower-cases an ASCII letter and makes no other character into one.
            int c = text.charAt(i) | 0x20;
            if (c == 'a') {
                int next = text.charAt(i + 1) | 0x20;
                if (next == 'p' && (text.charAt(i + 2) | 0x20) == 'i'
                        || next == 'u' && text.regionMatches(true, i, "authorization", 0, 13)) {
                    return true;
                }
            } else if (c == 'b' && (text.charAt(i + 1) | 0x20) == 'e' && text.regionMatches(true, i, "bearer", 0, 6)) {
                return true;
            }
        }
        return false;
    }
}
