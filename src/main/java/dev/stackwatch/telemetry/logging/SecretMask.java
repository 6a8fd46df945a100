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
    /** Every match contains one of these, ignoring case. */
    private static final String[] MARKERS = {"authorization", "api", "bearer"};

    private SecretMask() {
    }

    public static String mask(String text) {
        return mightContainSecret(text) ? SECRET.matcher(text).replaceAll("$1********") : text;
    }

    static boolean mightContainSecret(String text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c == 'a' || c == 'A' || c == 'b' || c == 'B') {
                for (String marker : MARKERS) {
                    if (text.regionMatches(true, i, marker, 0, marker.length())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
