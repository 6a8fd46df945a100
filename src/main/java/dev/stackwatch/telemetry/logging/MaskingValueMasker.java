package dev.stackwatch.telemetry.logging;

import com.fasterxml.jackson.core.JsonStreamContext;
import net.logstash.logback.mask.ValueMasker;

/** {@link SecretMask} for every string value of a JSON log line (LogbackSetup). */
public final class MaskingValueMasker implements ValueMasker {
    @Override
    public Object mask(JsonStreamContext context, Object value) {
        if (value instanceof CharSequence text) {
            String original = text.toString();
            String masked = SecretMask.mask(original);
            // null means "leave the value alone" to the encoder.
            return masked.equals(original) ? null : masked;
        }
        return null;
    }
}
