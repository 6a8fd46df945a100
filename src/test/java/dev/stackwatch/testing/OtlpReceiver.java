package dev.stackwatch.testing;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A real OTLP/HTTP (http/protobuf) receiver on 127.0.0.1, standing in for a collector: decodes every
 * {@code ExportTraceServiceRequest} the server posts to {@code /v1/traces} and keeps the spans, and every
 * {@code ExportMetricsServiceRequest} posted to {@code /v1/metrics} (see {@link #metricPushes}). {@link #refuse}
 * plays a collector that is down.
 */
public final class OtlpReceiver implements AutoCloseable {
    /** A received span with the resource attributes it was exported under. */
    public record Received(Span span, Map<String, String> resource) {
        public String traceId() {
            return HexFormat.of().formatHex(span.getTraceId().toByteArray());
        }

        public String spanId() {
            return HexFormat.of().formatHex(span.getSpanId().toByteArray());
        }

        public String parentSpanId() {
            return HexFormat.of().formatHex(span.getParentSpanId().toByteArray());
        }

        public String name() {
            return span.getName();
        }

        /** Attribute values as strings ({@code [a, b]} for arrays), for simple assertions. */
        public Map<String, String> attributes() {
            return span.getAttributesList().stream().collect(Collectors.toMap(KeyValue::getKey, kv -> text(kv)));
        }
    }

    private final HttpServer http;
    private final List<Received> spans = new CopyOnWriteArrayList<>();
    private final List<ExportMetricsServiceRequest> metricPushes = new CopyOnWriteArrayList<>();
    private final AtomicInteger refusals = new AtomicInteger();
    private volatile int refuseWith;

    public OtlpReceiver() {
        try {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        http.createContext("/v1/traces", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
                for (ResourceSpans rs : request.getResourceSpansList()) {
                    Map<String, String> resource = rs.getResource().getAttributesList().stream()
                            .collect(Collectors.toMap(KeyValue::getKey, OtlpReceiver::text));
                    for (ScopeSpans ss : rs.getScopeSpansList()) {
                        ss.getSpansList().forEach(s -> spans.add(new Received(s, resource)));
                    }
                }
                byte[] response = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, response.length);
                exchange.getResponseBody().write(response);
            } finally {
                exchange.close();
            }
        });
        http.createContext("/v1/metrics", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                int status = refuseWith;
                if (status != 0) {
                    body.readAllBytes();
                    refusals.incrementAndGet();
                    exchange.sendResponseHeaders(status, -1);
                    return;
                }
                metricPushes.add(ExportMetricsServiceRequest.parseFrom(body));
                byte[] response = ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
                exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, response.length);
                exchange.getResponseBody().write(response);
            } finally {
                exchange.close();
            }
        });
        http.start();
    }

    /** Every metrics push accepted so far, in arrival order. */
    public List<ExportMetricsServiceRequest> metricPushes() {
        return List.copyOf(metricPushes);
    }

    /** Answers every metrics push with {@code status} (0: accept again), as a collector that is down or overloaded. */
    public void refuse(int status) {
        refuseWith = status;
    }

    /** How many metrics pushes (retries included) were refused. */
    public int refusals() {
        return refusals.get();
    }

    /** The base URL, as OTEL_EXPORTER_OTLP_ENDPOINT takes it. */
    public String endpoint() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    public List<Received> spans() {
        return List.copyOf(spans);
    }

    public List<Received> trace(String traceId) {
        return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
    }

    private static String text(KeyValue kv) {
        var value = kv.getValue();
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case INT_VALUE -> String.valueOf(value.getIntValue());
            case DOUBLE_VALUE -> String.valueOf(value.getDoubleValue());
            case BOOL_VALUE -> String.valueOf(value.getBoolValue());
            case ARRAY_VALUE -> value.getArrayValue().getValuesList().stream()
                    .map(v -> v.getStringValue()).toList().toString();
            default -> value.toString();
        };
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
