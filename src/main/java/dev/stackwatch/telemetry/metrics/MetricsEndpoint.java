package dev.stackwatch.telemetry.metrics;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * GET /metrics on the management port. The Accept header picks the format, as Prometheus negotiates it: protobuf
 * (native histograms), OpenMetrics text (exemplars) or the classic Prometheus text format.
 */
public final class MetricsEndpoint {
    public static final String PATH = "/metrics";

    private final PrometheusRegistry registry;
    private final ExpositionFormats formats = ExpositionFormats.init();

    public MetricsEndpoint(PrometheusRegistry registry) {
        this.registry = registry;
    }

    public void register(HttpRouting.Builder routing) {
        routing.get(PATH, this::scrape);
    }

    private void scrape(ServerRequest req, ServerResponse res) {
        ExpositionFormatWriter writer = formats.findWriter(req.headers().first(HeaderNames.ACCEPT).orElse(null));
        // Rendered whole before sending, so a failure mid-way is a 500 and never a truncated scrape.
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            writer.write(body, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException("rendering /metrics", e);
        }
        res.header(HeaderNames.CONTENT_TYPE, writer.getContentType());
        res.send(body.toByteArray());
    }
}
