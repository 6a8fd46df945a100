package dev.stackwatch.auth;

import dev.stackwatch.config.security.ApiKey;
import dev.stackwatch.config.security.AuthConfig;
import dev.stackwatch.config.security.HashedToken;
import dev.stackwatch.exchange.AuthOutcome;
import dev.stackwatch.exchange.Exchange;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.List;
import java.util.Optional;

/**
 * Requires a configured API key on every API route except {@link OpenRoutes}. CORS preflights never get here: the
 * CORS filter runs first and answers them. Reports its {@link AuthOutcome} and, on success, the key's name to the
 * request's {@link Exchange}.
 */
public final class AuthFilter implements Filter {
    private final List<ApiKey> keys;

    public AuthFilter(AuthConfig config) {
        this.keys = config.apiKeys();
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Exchange exchange = Exchange.of(req);
        if (OpenRoutes.isOpen(req.path().path())) {
            exchange.authDecided(AuthOutcome.OPEN_ROUTE);
            chain.proceed();
            return;
        }
        Optional<String> token = Credentials.bearer(req.headers());
        if (token.isEmpty()) {
            exchange.authDecided(AuthOutcome.MISSING);
            throw Refusals.unauthorized("API key");
        }
        ApiKey key = match(HashedToken.of(token.get()));
        if (key == null) {
            exchange.authDecided(AuthOutcome.REJECTED);
            throw Refusals.unauthorized("API key");
        }
        exchange.authDecided(AuthOutcome.ACCEPTED);
        exchange.keyIdentified(key.name());
        chain.proceed();
    }

    /** Compares against every key, never stopping early, so the time taken does not tell which key was close. */
    private ApiKey match(HashedToken presented) {
        ApiKey found = null;
        for (ApiKey key : keys) {
            if (key.token().sameAs(presented)) {
                found = key;
            }
        }
        return found;
    }
}
