package dev.stackwatch.prom;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the Prometheus text exposition format (version 0.0.4, and the sample lines of OpenMetrics): only the samples,
 * because the benchmark needs counter and bucket values, not HELP or TYPE metadata. Timestamps are ignored.
 */
public final class PromText {
    private PromText() {
    }

    public static List<PromSample> parse(String text) {
        List<PromSample> samples = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                samples.add(parseLine(line));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage() + ": " + line, e);
            }
        }
        return samples;
    }

    private static PromSample parseLine(String line) {
        int pos = 0;
        while (pos < line.length() && isNameChar(line.charAt(pos))) {
            pos++;
        }
        if (pos == 0) {
            throw new IllegalArgumentException("no metric name");
        }
        String name = line.substring(0, pos);
        Map<String, String> labels = new LinkedHashMap<>();
        if (pos < line.length() && line.charAt(pos) == '{') {
            pos = parseLabels(line, pos + 1, labels);
        }
        String[] rest = line.substring(pos).strip().split("\\s+");
        if (rest.length == 0 || rest[0].isEmpty()) {
            throw new IllegalArgumentException("no value");
        }
        return new PromSample(name, labels, parseValue(rest[0]));
    }

    /** Parses {@code a="x",b="y"}} from {@code pos} (just after the brace); returns the index after the closing brace. */
    private static int parseLabels(String line, int pos, Map<String, String> labels) {
        while (true) {
            pos = skipSpaces(line, pos);
            if (pos >= line.length()) {
                throw new IllegalArgumentException("unterminated label set");
            }
            if (line.charAt(pos) == '}') {
                return pos + 1;
            }
            int nameStart = pos;
            while (pos < line.length() && isNameChar(line.charAt(pos))) {
                pos++;
            }
            String name = line.substring(nameStart, pos);
            pos = skipSpaces(line, pos);
            if (name.isEmpty() || pos + 1 >= line.length() || line.charAt(pos) != '=' || line.charAt(pos + 1) != '"') {
                throw new IllegalArgumentException("bad label at column " + (pos + 1));
            }
            pos += 2;
            StringBuilder value = new StringBuilder();
            while (true) {
                if (pos >= line.length()) {
                    throw new IllegalArgumentException("unterminated label value");
                }
                char c = line.charAt(pos++);
                if (c == '"') {
                    break;
                }
                if (c == '\\' && pos < line.length()) {
                    char escaped = line.charAt(pos++);
                    value.append(escaped == 'n' ? '\n' : escaped);
                } else {
                    value.append(c);
                }
            }
            labels.put(name, value.toString());
            pos = skipSpaces(line, pos);
            if (pos < line.length() && line.charAt(pos) == ',') {
                pos++;
            }
        }
    }

    private static double parseValue(String text) {
        return switch (text) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }

    private static int skipSpaces(String line, int pos) {
        while (pos < line.length() && line.charAt(pos) == ' ') {
            pos++;
        }
        return pos;
    }

    private static boolean isNameChar(char c) {
        return c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
