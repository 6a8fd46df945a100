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
        return mightContainSecret(text, 0) ? replace(text) : text;
    }

    /** Masks, in place, the secrets in {@code line} from {@code from} on: for a line built in one buffer. */
    static void mask(StringBuilder line, int from) {
        if (mightContainSecret(line, from)) {
            line.replace(from, line.length(), replace(line.substring(from)));
        }
    }

    private static String replace(String text) {
        return SECRET.matcher(text).replaceAll("$1********");
    }

    static boolean mightContainSecret(String text) {
        return mightContainSecret(text, 0);
    }

    /**
     * Whether {@code text} holds a marker from {@code from} on, ignoring ASCII case as the expression's {@code (?i)}
     * does. Most lines have many a's and b's and no marker, so the next letters are looked at before a marker is
     * compared: comparing all three markers at every a and b was a fifth of an access line's formatting.
     */
    private static boolean mightContainSecret(CharSequence text, int from) {
        for (int i = from, n = text.length() - 2; i < n; i++) {
            // | 0x20 lower-cases an ASCII letter and makes no other character into one.
            int c = text.charAt(i) | 0x20;
            if (c == 'a') {
                int next = text.charAt(i + 1) | 0x20;
                if (next == 'p' && (text.charAt(i + 2) | 0x20) == 'i'
                        || next == 'u' && hasAt(text, i, "authorization")) {
                    return true;
                }
            } else if (c == 'b' && (text.charAt(i + 1) | 0x20) == 'e' && hasAt(text, i, "bearer")) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code text} has {@code marker} (lower-case ASCII letters) at {@code at}, in either case. */
    private static boolean hasAt(CharSequence text, int at, String marker) {
        if (text.length() - at < marker.length()) {
            return false;
        }
        for (int k = 0; k < marker.length(); k++) {
            if ((text.charAt(at + k) | 0x20) != marker.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
