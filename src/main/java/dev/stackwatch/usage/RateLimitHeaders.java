package dev.stackwatch.usage;

import dev.stackwatch.config.usage.Quota;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * OpenAI's rate-limit headers. The request headers describe {@code requests_per_minute}; the token headers the token
 * quota with the least left, as that is the one a client will hit first. A key without such a quota gets none of
 * that pair. Resets are whole seconds rounded up, in OpenAI's duration form ({@code "17s"}).
 */
final class RateLimitHeaders {
    private RateLimitHeaders() {
    }

    /** {@code remaining[i]} and {@code resets[i]} belong to {@code quotas[i]}. */
    static Map<String, String> of(Quota[] quotas, long[] limits, long[] remaining, Duration[] resets) {
        Map<String, String> headers = new LinkedHashMap<>();
        int tightestTokens = -1;
        for (int i = 0; i < quotas.length; i++) {
            if (quotas[i] == Quota.REQUESTS_PER_MINUTE) {
                put(headers, "requests", limits[i], remaining[i], resets[i]);
            } else if (quotas[i].measure() == Quota.Measure.TOKENS
                    && (tightestTokens < 0 || remaining[i] < remaining[tightestTokens])) {
                tightestTokens = i;
            }
        }
        if (tightestTokens >= 0) {
            put(headers, "tokens", limits[tightestTokens], remaining[tightestTokens], resets[tightestTokens]);
        }
        return headers;
    }

    static long seconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }

    private static void put(Map<String, String> headers, String what, long limit, long remaining, Duration reset) {
        headers.put("x-ratelimit-limit-" + what, Long.toString(limit));
        headers.put("x-ratelimit-remaining-" + what, Long.toString(Math.max(0, remaining)));
        headers.put("x-ratelimit-reset-" + what, seconds(reset) + "s");
    }
}
