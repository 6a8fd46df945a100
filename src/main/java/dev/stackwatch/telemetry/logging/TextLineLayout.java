package dev.stackwatch.telemetry.logging;

import ch.qos.logback.classic.pattern.TargetLengthBasedClassNameAbbreviator;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.event.KeyValuePair;

/**
 * The text format's line, built in one buffer: the time in UTC to the millisecond, the level, the logger's name
 * shortened to 30 characters, the message and its key-values (secrets masked by {@link SecretMask}), the MDC in
 * brackets when there is one, and the stack trace (masked too). It writes what logback's pattern for the text format
 * wrote, which TextLineTest keeps as its reference: through the pattern's converters an
 * access line was built as four strings (the key-values, the message joined to them, the MDC, the MDC's brackets
 * removed again by a regular expression when empty) before the line itself, and its time was formatted from scratch
 * every millisecond.
 */
final class TextLineLayout extends LayoutBase<ILoggingEvent> {
    private static final DateTimeFormatter UP_TO_SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.").withZone(ZoneOffset.UTC);
    /** Loggers are named in code, but a library could make names on the fly: past this many, names are not kept. */
    private static final int MAX_KEPT_NAMES = 1024;

    private final TargetLengthBasedClassNameAbbreviator abbreviator = new TargetLengthBasedClassNameAbbreviator(30);
    private final Map<String, String> shortNames = new ConcurrentHashMap<>();
    private final ThrowableProxyConverter stackTraces = new ThrowableProxyConverter();
    /** The second of the last line and its text up to the milliseconds: most lines share one with the line before. */
    private volatile Second second = new Second(Long.MIN_VALUE, "");

    private record Second(long epochSecond, String text) {
    }

    @Override
    public void start() {
        stackTraces.setContext(getContext());
        stackTraces.start();
        super.start();
    }

    @Override
    public void stop() {
        stackTraces.stop();
        super.stop();
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder line = new StringBuilder(256);
        time(line, event.getTimeStamp());
        String level = event.getLevel().toString();
        line.append(' ').append(level);
        for (int pad = level.length(); pad < 5; pad++) {
            line.append(' ');
        }
        line.append(' ').append(shortName(event.getLoggerName())).append(" - ");
        int message = line.length();
        line.append(event.getFormattedMessage());
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs != null) {
            for (KeyValuePair pair : pairs) {
                line.append(' ').append(pair.key).append("=\"").append(pair.value).append('"');
            }
        }
        SecretMask.mask(line, message);
        Map<String, String> mdc = event.getMDCPropertyMap();
        if (mdc != null && !mdc.isEmpty()) {
            String separator = " [";
            for (Map.Entry<String, String> entry : mdc.entrySet()) {
                line.append(separator).append(entry.getKey()).append('=').append(entry.getValue());
                separator = ", ";
            }
            line.append(']');
        }
        line.append(CoreConstants.LINE_SEPARATOR);
        if (event.getThrowableProxy() != null) {
            int trace = line.length();
            line.append(stackTraces.convert(event));
            SecretMask.mask(line, trace);
        }
        return line.toString();
    }

    private void time(StringBuilder line, long millis) {
        long epochSecond = Math.floorDiv(millis, 1000);
        Second last = second;
        if (last.epochSecond() != epochSecond) {
            last = new Second(epochSecond, UP_TO_SECONDS.format(Instant.ofEpochSecond(epochSecond)));
            second = last;
        }
        int milli = (int) Math.floorMod(millis, 1000);
        line.append(last.text()).append((char) ('0' + milli / 100)).append((char) ('0' + milli / 10 % 10))
                .append((char) ('0' + milli % 10)).append('Z');
    }

    private String shortName(String logger) {
        String known = shortNames.get(logger);
        if (known != null) {
            return known;
        }
        String shortened = abbreviator.abbreviate(logger);
        if (shortNames.size() < MAX_KEPT_NAMES) {
            shortNames.put(logger, shortened);
        }
        return shortened;
    }
}
