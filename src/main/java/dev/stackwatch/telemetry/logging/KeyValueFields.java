package dev.stackwatch.telemetry.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import net.logstash.logback.composite.AbstractJsonProvider;
import org.slf4j.event.KeyValuePair;

/**
 * An event's SLF4J key-values as top-level fields of its JSON line, in the place and shape logstash-logback-encoder's
 * own provider writes them. Strings, numbers and booleans are written as what they are; that provider hands every value
 * to the object mapper, which set up a serializer lookup per value and was a third of an access line's JSON.
 * Anything else still goes to the mapper.
 */
final class KeyValueFields extends AbstractJsonProvider<ILoggingEvent> {
    @Override
    public void writeTo(JsonGenerator generator, ILoggingEvent event) throws IOException {
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs == null) {
            return;
        }
        for (KeyValuePair pair : pairs) {
            if (pair.value == null) {
                continue;   // left out, as the encoder's own provider does
            }
            generator.writeFieldName(pair.key);
            switch (pair.value) {
                case String text -> generator.writeString(text);
                case Integer number -> generator.writeNumber(number);
                case Long number -> generator.writeNumber(number);
                case Double number -> generator.writeNumber(number);
                case Boolean flag -> generator.writeBoolean(flag);
                default -> generator.writeObject(pair.value);
            }
        }
    }
}
