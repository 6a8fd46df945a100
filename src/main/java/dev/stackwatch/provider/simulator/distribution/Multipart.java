package dev.stackwatch.provider.simulator.distribution;

import dev.stackwatch.wire.ApiException;
import dev.stackwatch.wire.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The parts of a {@code multipart/form-data} body, by field name: just enough to take a simulated file upload. */
record Multipart(Map<String, Part> parts) {
    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");
    private static final Pattern NAME = Pattern.compile("name=\"([^\"]*)\"");
    private static final Pattern FILENAME = Pattern.compile("filename=\"([^\"]*)\"");

    record Part(String filename, byte[] content) {
        String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    static Multipart parse(String contentType, byte[] body) {
        Matcher b = BOUNDARY.matcher(contentType == null ? "" : contentType);
        if (!b.find()) {
            throw ApiException.badRequest("invalid_multipart", "expected multipart/form-data with a boundary");
        }
        byte[] delimiter = ("--" + b.group(1)).getBytes(StandardCharsets.US_ASCII);
        Map<String, Part> parts = new LinkedHashMap<>();
        int at = Bytes.indexOf(body, delimiter, 0);
        while (at >= 0) {
            int headersStart = at + delimiter.length + 2;
            if (headersStart > body.length || body[at + delimiter.length] == '-') {
                break;
            }
            int headersEnd = Bytes.indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), headersStart);
            int next = Bytes.indexOf(body, concat("\r\n".getBytes(StandardCharsets.US_ASCII), delimiter), headersStart);
            if (headersEnd < 0 || next < 0) {
                break;
            }
            String headers = new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8);
            Matcher name = NAME.matcher(headers);
            Matcher filename = FILENAME.matcher(headers);
            if (name.find()) {
                parts.put(name.group(1), new Part(filename.find() ? filename.group(1) : null,
                        Arrays.copyOfRange(body, headersEnd + 4, next)));
            }
            at = next + 2;
        }
        return new Multipart(parts);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
