package dev.stackwatch.limits;

import dev.stackwatch.auth.OpenRoutes;
import dev.stackwatch.config.security.AuthConfig;
import dev.stackwatch.config.security.LimitsConfig;
import dev.stackwatch.exchange.Exchange;
import dev.stackwatch.exchange.LimitRefusal;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.HashMap;
import java.util.Map;

/**
 * Limits requests per API key with one token bucket per configured key, created up front so the map never grows
 * with traffic. Without auth every client shares the anonymous bucket: a limit per address would grow without bound
 * and is the proxy's job. Runs after {@link AuthFilter}, which names the key.
 */
public final class RateLimitFilter implements Filter {
    private static final String ANONYMOUS = "";

    private final Map<String, TokenBucket> buckets;
    private final double perSecond;

    public RateLimitFilter(LimitsConfig limits, AuthConfig auth) {
        this.perSecond = limits.requestsPerSecond();
        Map<String, TokenBucket> all = new HashMap<>();
        all.put(ANONYMOUS, new TokenBucket(limits.burst(), perSecond, System::nanoTime));
        auth.apiKeys().forEach(k -> all.put(k.name(), new TokenBucket(limits.burst(), perSecond, System::nanoTime)));
        this.buckets = Map.copyOf(all);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (OpenRoutes.isOpen(req.path().path())) {
            chain.proceed();
            return;
        }
        Exchange exchange = Exchange.of(req);
        String key = exchange.keyName().orElse(ANONYMOUS);
        // Every key name the auth filter can register has a bucket, made in the constructor.
        long retryAfter = buckets.get(key).tryTake();
        if (retryAfter > 0) {
            exchange.refused(LimitRefusal.RATE);
            throw Refusals.rateLimited(retryAfter, perSecond);
        }
        chain.proceed();
    }
}
