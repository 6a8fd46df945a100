package dev.stackwatch.telemetry.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Map;
import net.logstash.logback.composite.AbstractJsonProvider;

/**
 * An event's MDC (request_id, trace_id, span_id) as top-level string fields of its JSON line, as logstash-logback-encoder's
 * own provider writes them, but as strings: that provider hands every value to the object mapper (see
 * {@link KeyValueFields}).
 */
final class MdcFields extends AbstractJsonProvider<ILoggingEvent> {
    @Override
    public void writeTo(JsonGenerator generator, ILoggingEvent event) throws IOException {
        Map<String, String> mdc = event.getMDCPropertyMap();
        if (mdc == null) {
            return;
        }
        for (Map.Entry<String, String> entry : mdc.entrySet()) {
            generator.writeStringField(entry.getKey(), entry.getValue());
        }
    }
}
