package dev.stackwatch.telemetry.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.testing.OtlpReceiver;
import dev.stackwatch.testing.Polling;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The OTLP exporter is made by the first export, once, and not when tracing starts; spans reach a real receiver. */
class DeferredSpanExporterTest {
    private final OtlpReceiver receiver = new OtlpReceiver();
    private final AtomicInteger built = new AtomicInteger();
    private final DeferredSpanExporter exporter = new DeferredSpanExporter(() -> {
        built.incrementAndGet();
        return OtlpHttpSpanExporter.builder().setEndpoint(receiver.endpoint() + "/v1/traces").build();
    });

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void theFirstExportMakesTheExporterAndLaterOnesReuseIt() {
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                .build();
        assertEquals(0, built.get(), "tracing started without an exporter");
        assertTrue(exporter.flush().join(5, TimeUnit.SECONDS).isSuccess());
        assertEquals(0, built.get(), "a flush with nothing exported makes none");

        provider.get("test").spanBuilder("first").startSpan().end();
        provider.get("test").spanBuilder("second").startSpan().end();
        Polling.await(Duration.ofSeconds(10), "both spans received", () -> receiver.spans().size() == 2);
        assertEquals(1, built.get());
        assertTrue(provider.shutdown().join(10, TimeUnit.SECONDS).isSuccess());
        assertEquals(1, built.get());
    }

    @Test
    void shuttingDownWhatNeverExportedMakesNoExporter() {
        assertTrue(exporter.shutdown().join(5, TimeUnit.SECONDS).isSuccess());
        assertEquals(0, built.get());
        assertEquals(0, receiver.spans().size());
    }
}
