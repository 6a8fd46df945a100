package dev.stackwatch.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.api.ApiErrors;
import dev.stackwatch.io.DeadlineTimer;
import io.helidon.common.configurable.Resource;
import io.helidon.common.tls.Tls;
import io.helidon.http.DirectHandler;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import java.util.Set;

/**
 * Installs the security settings on the server's listeners and routings, so the wiring class needs one call per
 * place. API filter order: headers first (every answer gets them, refusals too), then CORS (preflights carry no
 * credentials), auth (names the key), per-key rate limit, and the concurrent-inference cap last so refused requests
 * never hold a permit. Observability filters belong before all of these so refusals are logged and counted.
 */
public final class EdgeSecurity {
    private final SecurityConfig config;
    private final ApiErrors errors;
    private final DirectHandler directErrors;
    private final DeadlineTimer deadlines;

    public EdgeSecurity(SecurityConfig config, ObjectMapper json, ApiErrors errors, DeadlineTimer deadlines) {
        this.config = config;
        this.deadlines = deadlines;
        this.errors = errors;
        this.directErrors = new DirectErrors(json, config.limits().maxHeaderBytes());
    }

    /** {@code inferencePaths}: the POST routes whose requests count against {@code max_concurrent_streams}. */
    public void registerApi(HttpRouting.Builder routing, Set<String> inferencePaths) {
        routing.addFilter(new SecurityHeadersFilter(config.tls().isPresent()));
        if (config.cors().enabled()) {
            routing.addFilter(new CorsFilter(config.cors()));
        }
        if (config.auth().enabled()) {
            routing.addFilter(new AuthFilter(config.auth()));
        }
        if (config.limits().rateLimited()) {
            routing.addFilter(new RateLimitFilter(config.limits(), config.auth()));
        }
        routing.addFilter(new StreamLimitFilter(config.limits().maxConcurrentStreams(), inferencePaths));
    }

    /** For the management port's own routing. */
    public void registerManagement(HttpRouting.Builder routing) {
        routing.addFilter(new SecurityHeadersFilter(false));
        guardManagement(routing);
    }

    /** Only the management guard: for the API routing when management shares the API listener (it has headers). */
    public void guardManagement(HttpRouting.Builder routing) {
        routing.addFilter(new ManagementAccessFilter(config.management(), errors));
    }

    /**
     * HTTP/1.1 limits: header size (431) and a read deadline (a client that stops sending its request line or headers
     * is disconnected instead of holding a connection forever; bodies are timed by {@code JsonBodyReader}). Whoever
     * selects HTTP/1.1 connections on a listener must use this config, or the limits silently do not apply.
     */
    public Http1Config http1() {
        LimitsConfig limits = config.limits();
        return Http1Config.builder()
                .maxHeadersSize(limits.maxHeaderBytes())
                .addReceiveListener(new HeaderDeadline(limits.readTimeout(), deadlines))
                .build();
    }

    /**
     * Connection-level settings for any listener besides {@link #http1()}: idle timeout, connection cap, error
     * rendering. TLS only with {@code api}.
     */
    public void configureListener(ListenerConfig.BuilderBase<?, ?> listener, boolean api) {
        LimitsConfig limits = config.limits();
        listener
                // Nagle's algorithm holds back small SSE writes; streamed tokens must leave at once.
                .connectionOptions(o -> o.tcpNoDelay(true))
                // Connections that never send a request line: Helidon's idle check closes those.
                .idleConnectionTimeout(limits.readTimeout())
                .idleConnectionPeriod(limits.readTimeout().dividedBy(4))
                .maxTcpConnections(limits.maxConnections())
                // Helidon hands its message to direct handlers only with includeEntity; ours never echo it.
                .errorHandling(e -> e.includeEntity(true))
                .directHandlers(d -> {
                    for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
                        d.addHandler(type, directErrors);
                    }
                });
        if (api) {
            config.tls().ifPresent(tls -> listener.tls(Tls.builder()
                    .privateKey(keys -> keys.pem(pem -> pem.key(Resource.create(tls.keyFile()))))
                    .privateKeyCertChain(keys -> keys.pem(pem -> pem.certChain(Resource.create(tls.certFile()))))
                    .build()));
        }
    }
}
