package dev.stackwatch.telemetry.logging;

import ch.qos.logback.classic.pattern.KeyValuePairConverter;
import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.pattern.DynamicConverter;

/** {@code %maskedMsg} of the reference pattern (TextLineTest): the message and its key-values, through {@link SecretMask}. */
final class MaskingMessageConverter extends DynamicConverter<ILoggingEvent> {
    private final MessageConverter message = new MessageConverter();
    private final KeyValuePairConverter keyValues = new KeyValuePairConverter();

    @Override
    public void start() {
        keyValues.setContext(getContext());
        keyValues.start();
        super.start();
    }

    @Override
    public String convert(ILoggingEvent event) {
        String kvp = keyValues.convert(event);
        return SecretMask.mask(kvp.isEmpty() ? message.convert(event) : message.convert(event) + " " + kvp);
    }
}
