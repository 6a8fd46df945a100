package dev.stackwatch.usage;

import dev.stackwatch.config.usage.Quota;
import dev.stackwatch.config.usage.TenantConfig;
import dev.stackwatch.config.usage.UsageConfig;
import dev.stackwatch.config.usage.Window;
import dev.stackwatch.exchange.Exchange;
import dev.stackwatch.wire.ApiException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks the calling key's quotas before an inference request runs; needs the key name, so it runs after auth. An
 * admitted request's {@link Reservation} is reported to its {@link Exchange}, where {@link UsageObserver} settles it
 * with the real usage; a request that never reached a provider (a bad body, an unknown model) gets it back here.
 * It also names the request's tenant from the configured header, for the usage observer's labels.
 */
public final class QuotaFilter implements Filter {
    private final QuotaKeeper keeper;
    private final Set<String> inferencePaths;
    private final Optional<TenantConfig> tenant;

    /** {@code inferencePaths}: the POST routes that use a model; nothing else is counted. */
    public QuotaFilter(QuotaKeeper keeper, Set<String> inferencePaths) {
        this.keeper = keeper;
        this.inferencePaths = Set.copyOf(inferencePaths);
        this.tenant = keeper.config().tenant();
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (!req.prologue().method().equals(Method.POST) || !inferencePaths.contains(req.path().path())) {
            chain.proceed();
            return;
        }
        Exchange exchange = Exchange.of(req);
        tenant.ifPresent(t -> exchange.tenantNamed(t.label(
                req.headers().first(HeaderNames.create(t.header())).orElse(null))));
        String key = exchange.keyName().orElse(UsageConfig.ANONYMOUS);
        Admission admission = keeper.admit(key);
        switch (admission.verdict()) {
            case REFUSED -> throw refused(admission);
            case UNAVAILABLE -> throw new ApiException(503, "server_error", "quota_store_unavailable",
                    "the quota store is unreachable and quotas are enforced (fail_closed); retry shortly", null,
                    Map.of("Retry-After", Long.toString(admission.retryAfterSeconds())));
            case ADMITTED, UNCHECKED -> admission.headers().forEach(res::header);
        }
        if (admission.reservation().isEmpty()) {
            chain.proceed();
            return;
        }
        Reservation reservation = admission.reservation().get();
        exchange.quotaReserved((tokens, cost) -> keeper.settle(reservation, tokens, cost));
        try {
            chain.proceed();
        } finally {
            keeper.settle(reservation, 0, 0);
        }
    }

    /**
     * OpenAI's shapes: a per-minute limit is {@code rate_limit_exceeded}, a daily or monthly budget
     * {@code insufficient_quota}; both are 429.
     */
    private static ApiException refused(Admission admission) {
        Quota full = admission.refusedBy();
        Map<String, String> headers = new HashMap<>(admission.headers());
        headers.put("Retry-After", Long.toString(admission.retryAfterSeconds()));
        boolean perMinute = full.window() == Window.MINUTE;
        return new ApiException(429, perMinute ? "rate_limit_error" : "insufficient_quota",
                perMinute ? "rate_limit_exceeded" : "insufficient_quota",
                "quota " + full.label() + " of this API key is used up; retry after " + admission.retryAfterSeconds()
                        + " s", null, headers);
    }
}
