package dev.stackwatch.telemetry.logging;

import dev.stackwatch.api.Abandoned;
import dev.stackwatch.exchange.Exchange;
import dev.stackwatch.exchange.InferenceFacts;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One {@code stackwatch.access} event per request, written after the response (streams included) has been sent, while
 * the request id and trace ids are still in the MDC. It reads the request's facts from its {@link Exchange}: the
 * inference's are reported there by {@link AccessLogObserver}.
 */
public final class AccessLogFilter implements Filter {
    private static final Logger ACCESS = LoggerFactory.getLogger("stackwatch.access");

    private final Level level;
    private final Predicate<String> quietPath;

    /** {@code level}: INFO for the API; DEBUG for probes on the management port, which would drown the API's lines. */
    public AccessLogFilter(Level level) {
        this(level, path -> false);
    }

    /** Requests whose path matches {@code quietPath} (probes on a port shared with the API) are logged at DEBUG. */
    public AccessLogFilter(Level level, Predicate<String> quietPath) {
        this.level = level;
        this.quietPath = quietPath;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Level level = quietPath.test(req.path().path()) ? Level.DEBUG : this.level;
        if (!ACCESS.isEnabledForLevel(level)) {
            chain.proceed();
            return;
        }
        long start = System.nanoTime();
        try {
            chain.proceed();
        } finally {
            log(req, res, start, level);
        }
    }

    private static void log(RoutingRequest req, RoutingResponse res, long start, Level level) {
        double durationMs = (System.nanoTime() - start) / 1e6;
        Exchange exchange = Exchange.of(req);
        String method = req.prologue().method().text();
        String endpoint = exchange.routeLabel();
        int status = Abandoned.statusOf(req, res);
        // request_id, trace_id and span_id come from the MDC, like on every other line of this request.
        LoggingEventBuilder event = ACCESS.atLevel(level)
                .addKeyValue("event", "access")
                .addKeyValue("method", method)
                .addKeyValue("endpoint", endpoint)
                .addKeyValue("status", status)
                .addKeyValue("duration_ms", Math.round(durationMs * 100) / 100.0)
                .addKeyValue("bytes", res.bytesWritten())
                .addKeyValue("client_address", address(req.remotePeer().address()));
        // The key's configured name, never the token; absent when auth is off or refused the request.
        exchange.keyName().ifPresent(key -> event.addKeyValue("api_key_name", key));
        exchange.inference().ifPresent(facts -> {
            event.addKeyValue("model", facts.model())
                    .addKeyValue("provider", facts.provider())
                    .addKeyValue("stream", facts.stream());
            addIfKnown(event, "input_tokens", facts.inputTokens());
            addIfKnown(event, "output_tokens", facts.outputTokens());
            addIfKnown(event, "ttft_ms", timeToFirstTokenMs(facts, start));
            addIfKnown(event, "finish_reason", facts.finishReason());
            addIfKnown(event, "error", facts.error());
            addIfKnown(event, "prompt", facts.prompt());
            addIfKnown(event, "completion", facts.completion());
        });
        event.log("{} {} {} {} ms", method, endpoint, status, Math.round(durationMs));
    }

    /**
     * The access line of a request Helidon refused before routing: no request id, route or duration exist for it.
     * {@code method} is empty when the request line itself was refused.
     */
    public static void logRefusedBeforeRouting(String method, int status, long bytes) {
        String shown = method.isEmpty() ? "-" : method;
        ACCESS.atInfo()
                .addKeyValue("event", "access")
                .addKeyValue("method", shown)
                .addKeyValue("endpoint", Exchange.UNMATCHED_ROUTE)
                .addKeyValue("status", status)
                .addKeyValue("duration_ms", 0.0)
                .addKeyValue("bytes", bytes)
                .log("{} {} {} {} ms", shown, Exchange.UNMATCHED_ROUTE, status, 0);
    }

    /** Milliseconds from the request's start to the first streamed token, or null when nothing was streamed. */
    private static Double timeToFirstTokenMs(InferenceFacts facts, long start) {
        Long first = facts.firstTokenNanos();
        return first == null ? null : Math.round((first - start) / 1e4) / 100.0;
    }

    private static void addIfKnown(LoggingEventBuilder event, String key, Object value) {
        if (value != null) {
            event.addKeyValue(key, value);
        }
    }

    private static String address(SocketAddress address) {
        return address instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(address);
    }
}
