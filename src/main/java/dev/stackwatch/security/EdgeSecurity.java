package dev.stackwatch.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.api.Abandoned;
import dev.stackwatch.api.ApiErrors;
import dev.stackwatch.auth.AuthFilter;
import dev.stackwatch.auth.ManagementAccessFilter;
import dev.stackwatch.config.security.LimitsConfig;
import dev.stackwatch.config.security.SecurityConfig;
import dev.stackwatch.deadline.DeadlineTimer;
import dev.stackwatch.exchange.LimitRefusal;
import dev.stackwatch.limits.HeaderDeadline;
import dev.stackwatch.limits.RateLimitFilter;
import dev.stackwatch.limits.StreamLimitFilter;
import io.helidon.common.configurable.Resource;
import io.helidon.common.tls.Tls;
import io.helidon.http.DirectHandler;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The security settings for the server's listeners and routings. It contributes the API's security filters in their
 * order (the wiring puts them in the one API chain, after the measuring ones): headers first (every answer gets them,
 * refusals too), then CORS (preflights carry no credentials), auth (names the key), per-key rate limit, and the
 * concurrent-inference cap last so refused requests never hold a permit.
 */
public final class EdgeSecurity {
    private final SecurityConfig config;
    private final DirectHandler apiDirectErrors;
    /** The management port's refusals are not the API's requests: not counted in its metrics. */
    private final DirectHandler managementDirectErrors;
    /** One per server: the direct handlers ask it whether a connection's headers were cut off. */
    private final HeaderDeadline headerDeadline;
    private final PreRoutingRefusals refusals;

    /** {@code refusals} is told of each refusal made before routing, which no filter sees. */
    public EdgeSecurity(SecurityConfig config, ObjectMapper json, DeadlineTimer deadlines,
                        PreRoutingRefusals refusals) {
        this.config = config;
        this.headerDeadline = new HeaderDeadline(config.limits().readTimeout(), deadlines);
        this.refusals = refusals;
        this.apiDirectErrors = new DirectErrors(json, config.limits().maxHeaderBytes(), refusals);
        this.managementDirectErrors = new DirectErrors(json, config.limits().maxHeaderBytes(),
                (method, status, bytes, limit) -> { });
    }

    /**
     * The API's security filters in the order they must run. {@code inferencePaths}: the POST routes whose requests
     * count against {@code max_concurrent_streams}. {@code perKey}: policies that need the key auth found (quotas),
     * placed after the rate limit and before the concurrency cap, so a refused request never holds a permit.
     */
    public List<Filter> apiFilters(Set<String> inferencePaths, List<Filter> perKey) {
        List<Filter> filters = new ArrayList<>();
        filters.add(new SecurityHeadersFilter(config.tls().isPresent()));
        if (config.cors().enabled()) {
            filters.add(new CorsFilter(config.cors()));
        }
        if (config.auth().enabled()) {
            filters.add(new AuthFilter(config.auth()));
        }
        if (config.limits().rateLimited()) {
            filters.add(new RateLimitFilter(config.limits(), config.auth()));
        }
        filters.addAll(perKey);
        filters.add(new StreamLimitFilter(config.limits().maxConcurrentStreams(), inferencePaths));
        return List.copyOf(filters);
    }

    /**
     * Call on an API connection's thread when it ends: a request whose headers the read deadline cut off reached no
     * handler, and is reported here as abandoned (408, as for a body that never came).
     */
    public void reportHeaderTimeout() {
        headerDeadline.expiredOnThisThread().ifPresent(method -> refusals.refused(method,
                Abandoned.BODY_TIMEOUT, 0, Optional.of(LimitRefusal.BODY_TIMEOUT.reason())));
    }

    /** For the management port's own routing. */
    public void registerManagement(HttpRouting.Builder routing, ApiErrors errors) {
        routing.addFilter(new SecurityHeadersFilter(false));
        routing.addFilter(managementGuard(errors));
    }

    /** Only the management guard: for the API chain when management shares the API listener (it has headers). */
    public Filter managementGuard(ApiErrors errors) {
        return new ManagementAccessFilter(config.management(), errors);
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
                .addReceiveListener(headerDeadline)
                .build();
    }

    /**
     * Connection-level settings for any listener besides {@link #http1()}: idle timeout, connection cap, error
     * rendering. TLS, and counting of refusals made before routing, only with {@code api}.
     *
     * <p>No protocol is discovered from the class path: the listener's one HTTP/1.1 selector is the only candidate, so
     * Helidon hands it each socket at once. With two candidates Helidon reads the first bytes to choose, without a
     * timeout (a silent socket was held for good), and closes without a word a request line longer than its prologue
     * limit or an HTTP/1.0 one, which the HTTP/1.1 connection answers with 414 and 505.
     */
    public void configureListener(ListenerConfig.BuilderBase<?, ?> listener, boolean api) {
        LimitsConfig limits = config.limits();
        DirectHandler directErrors = api ? apiDirectErrors : managementDirectErrors;
        listener
                .protocolsDiscoverServices(false)
                // The jar carries no content encoder and no media support beyond the ones Helidon registers itself
                // (bodies are read as bytes and strings): looking for more only costs start-up its time.
                .contentEncoding(encoding -> encoding.contentEncodingsDiscoverServices(false))
                .mediaContext(media -> media.mediaSupportsDiscoverServices(false))
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
