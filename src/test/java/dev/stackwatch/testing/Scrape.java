package dev.stackwatch.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape of a /metrics endpoint in the Prometheus text format, parsed into samples tests can sum. */
public record Scrape(String text, List<Sample> samples) {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\S+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    public record Sample(String name, Map<String, String> labels, double value) {}

    /** GET http://127.0.0.1:{port}/metrics asking for the classic text format. */
    public static Scrape of(int port) {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            HttpResponse<String> res = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .header("Accept", "text/plain; version=0.0.4").build(), HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) {
                throw new AssertionError("/metrics answered " + res.statusCode() + ": " + res.body());
            }
            return parse(res.body());
        } catch (IOException e) {
            throw new AssertionError("cannot scrape port " + port, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public static Scrape parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new AssertionError("unparseable metrics line: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            samples.add(new Sample(m.group(1), Map.copyOf(labels), Double.parseDouble(m.group(3))));
        }
        return new Scrape(text, List.copyOf(samples));
    }

    /** Sum of every sample called {@code name} whose labels include all of {@code match} (0 when there is none). */
    public double sum(String name, Map<String, String> match) {
        return samples.stream()
                .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(match.entrySet()))
                .mapToDouble(Sample::value)
                .sum();
    }

    public double sum(String name) {
        return sum(name, Map.of());
    }

    /** How much the samples {@link #sum} selects grew from {@code before} to {@code after}. */
    public static double delta(Scrape before, Scrape after, String name, Map<String, String> match) {
        return after.sum(name, match) - before.sum(name, match);
    }

    /** Label combinations present for {@code name}. */
    public List<Map<String, String>> series(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).map(Sample::labels).toList();
    }
}
