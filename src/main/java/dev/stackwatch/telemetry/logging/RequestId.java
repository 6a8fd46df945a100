package dev.stackwatch.telemetry.logging;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** The id that ties one API request's response header, log lines and spans together. */
public record RequestId(String value) {
    public static final String HEADER = "x-request-id";
    /** Short and log-safe: a client's id is honoured only if it cannot break a log line or a header. */
    private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** The client's id when it is well formed, else a fresh random one. */
    public static RequestId honourOrGenerate(String incoming) {
        if (incoming != null && WELL_FORMED.matcher(incoming).matches()) {
            return new RequestId(incoming);
        }
        byte[] bytes = new byte[16];
        ThreadLocalRandom.current().nextBytes(bytes);
        return new RequestId(HexFormat.of().formatHex(bytes));
    }
}
