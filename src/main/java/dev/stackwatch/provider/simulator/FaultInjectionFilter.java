package dev.stackwatch.provider.simulator;

import dev.stackwatch.wire.ApiException;
import dev.stackwatch.wire.ErrorBody;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Network-level faults for the standalone simulator ({@code simulate --fault ...}), so remote providers can be tested
 * against the failures real upstreams have. A request picks its own fault with the {@code X-Simulator-Fault} header
 * (and {@code X-Simulator-Fault-Delay-Ms}); otherwise the command-line default applies. Only the simulate command
 * installs this filter: the real API never sees it.
 */
public final class FaultInjectionFilter implements Filter {
    public static final String FAULT_HEADER = "X-Simulator-Fault";
    public static final String DELAY_HEADER = "X-Simulator-Fault-Delay-Ms";
    /** Streamed faults strike after this many SSE writes, so the client has already seen tokens. */
    static final int EVENTS_BEFORE_FAULT = 2;

    public enum Fault {
        NONE, SLOW_FIRST_TOKEN, STALL_MID_STREAM, HTTP_400, HTTP_500, HTTP_502, HTTP_503, RESET_MID_STREAM, MALFORMED_SSE;

        public static Fault parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown fault '" + text + "' (known: none, slow-first-token, "
                        + "stall-mid-stream, http-400, http-500, http-502, http-503, reset-mid-stream, malformed-sse)");
            }
        }
    }

    private final Fault defaultFault;
    private final Duration defaultDelay;

    public FaultInjectionFilter(Fault defaultFault, Duration defaultDelay) {
        this.defaultFault = defaultFault;
        this.defaultDelay = defaultDelay;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Fault fault;
        Duration delay;
        try {
            fault = req.headers().first(HeaderNames.create(FAULT_HEADER)).map(Fault::parse).orElse(defaultFault);
            delay = req.headers().first(HeaderNames.create(DELAY_HEADER))
                    .map(ms -> Duration.ofMillis(Long.parseLong(ms.trim()))).orElse(defaultDelay);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_fault", e.getMessage());
        }
        if (!req.path().path().startsWith("/v1/") || req.path().path().endsWith("/models")) {
            chain.proceed();
            return;
        }
        switch (fault) {
            case NONE -> chain.proceed();
            case HTTP_400, HTTP_500, HTTP_502, HTTP_503 -> {
                int status = Integer.parseInt(fault.name().substring(5));
                throw new ApiException(status, ErrorBody.typeFor(status), "simulated_fault",
                        "simulated HTTP " + status + " (" + FAULT_HEADER + ")", null, Map.of());
            }
            case SLOW_FIRST_TOKEN -> {
                sleep(delay);
                chain.proceed();
            }
            default -> {
                res.streamFilter(out -> new FaultyStream(out, fault, delay));
                chain.proceed();
            }
        }
    }

    private static void sleep(Duration delay) {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Counts flushed SSE writes and strikes once the client has seen a few tokens. */
    private static final class FaultyStream extends FilterOutputStream {
        private final Fault fault;
        private final Duration delay;
        private int flushes;
        private boolean broken;

        FaultyStream(OutputStream out, Fault fault, Duration delay) {
            super(out);
            this.fault = fault;
            this.delay = delay;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (broken) {
                throw new IOException("simulated connection reset");
            }
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            if (broken) {
                throw new IOException("simulated connection reset");
            }
            out.flush();
            if (++flushes != EVENTS_BEFORE_FAULT) {
                return;
            }
            switch (fault) {
                case STALL_MID_STREAM -> sleep(delay);
                case MALFORMED_SSE -> {
                    out.write("data: {\"choices\": [ this is not json\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                case RESET_MID_STREAM -> {
                    broken = true;
                    throw new IOException("simulated connection reset");
                }
                default -> {
                }
            }
        }

        @Override
        public void close() throws IOException {
            if (broken) {
                // Never finish the chunked body: the client must see the connection drop, not a clean end.
                throw new IOException("simulated connection reset");
            }
            super.close();
        }
    }
}
