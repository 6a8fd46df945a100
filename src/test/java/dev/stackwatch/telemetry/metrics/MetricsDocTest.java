package dev.stackwatch.telemetry.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.stackwatch.exchange.Exchange;
import dev.stackwatch.BuildInfo;
import dev.stackwatch.inference.CircuitState;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.FinishReason;
import dev.stackwatch.inference.InferenceObserver.CallInfo;
import dev.stackwatch.inference.Model;
import dev.stackwatch.inference.ModelType;
import dev.stackwatch.inference.Operation;
import dev.stackwatch.inference.ProviderException;
import dev.stackwatch.inference.Usage;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.Label;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** docs/metrics.md and Metrics.java never drift: same names, types and label sets, and the JVM section is true. */
class MetricsDocTest {
    static final Path DOC = Path.of("docs/metrics.md");
    static final Pattern ROW = Pattern.compile("^\\| `(llamastack_[a-z_]+)` \\| ([a-z]+) \\|([^|]*)\\|");
    static final Pattern NAME = Pattern.compile("`((?:jvm|process)_[a-z_]+)");

    record Definition(String type, Set<String> labels) {}

    @Test
    void tableMatchesTheRegistry() throws IOException {
        Map<String, Definition> documented = new TreeMap<>();
        for (String line : Files.readAllLines(DOC)) {
            Matcher m = ROW.matcher(line);
            if (m.find()) {
                Set<String> labels = Arrays.stream(m.group(3).split(","))
                        .map(l -> l.strip().replace("`", ""))
                        .filter(l -> !l.isEmpty())
                        .collect(Collectors.toCollection(TreeSet::new));
                documented.put(m.group(1), new Definition(m.group(2), labels));
            }
        }
        Map<String, Definition> inCode = new TreeMap<>();
        for (MetricSnapshot s : exercised().registry().scrape()) {
            String name = exposedName(s);
            if (name.startsWith("llamastack_")) {
                inCode.put(name, definition(s));
            }
        }
        assertFalse(documented.isEmpty(), "the table in " + DOC + " was found");
        assertEquals(inCode.keySet(), documented.keySet(), "metric names in code vs " + DOC);
        inCode.forEach((name, definition) -> assertEquals(definition, documented.get(name), name + " in " + DOC));
    }

    @Test
    void everyOtherMetricHasADocumentedPrefixAndTheNamedExamplesExist() throws IOException {
        String doc = Files.readString(DOC);
        Matcher prefixes = Pattern.compile("Prefixes: (.*)\\.").matcher(doc);
        assertTrue(prefixes.find(), "the JVM section lists its prefixes");
        List<String> allowed = Arrays.stream(prefixes.group(1).split(",")).map(p -> p.strip().replace("`", "")).toList();
        MetricSnapshots snapshots = exercised().registry().scrape();
        for (MetricSnapshot s : snapshots) {
            String name = exposedName(s);
            assertTrue(name.startsWith("llamastack_") || allowed.stream().anyMatch(name::startsWith),
                    name + " is neither a Stackwatch metric nor under a documented prefix " + allowed);
        }
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(text, snapshots);
        String exposed = text.toString(StandardCharsets.UTF_8);
        Matcher named = NAME.matcher(doc);
        while (named.find()) {
            assertTrue(exposed.contains("\n" + named.group(1)), named.group(1) + " is named in " + DOC + " but not exposed");
        }
    }

    /** A registry where every metric has at least one data point, so label sets can be read off the data. */
    private static Metrics exercised() {
        Model model = new Model("m", "p", "m", ModelType.LLM, JsonNodeFactory.instance.objectNode());
        Metrics metrics = new Metrics(new PrometheusRegistry(), new BuildInfo("test"), List.of(model));
        metrics.awaitJvmMetrics();
        metrics.watch(new StateSignals(() -> true, List.of("p"), p -> true, m -> true,
                p -> Optional.of(CircuitState.CLOSED)));
        metrics.authFailed("missing");
        metrics.limitRefused("rate_limit");
        metrics.telemetryFailed("MetricsObserver");
        MetricsObserver observer = new MetricsObserver(metrics);
        observer.modelLoaded(model, "inline::simulator", Duration.ofMillis(5), null);
        CallInfo streamed = new CallInfo(Operation.CHAT, model, "inline::simulator", true, null, null, null,
                Exchange.detached());
        var call = observer.start(streamed);
        call.token(0, System.nanoTime());
        call.token(1, System.nanoTime());
        call.completed(new Completion("ab", FinishReason.STOP, new Usage(3, 2)));
        observer.start(streamed).failed(new ProviderException(ProviderException.Kind.TIMEOUT, "p", "slow"));
        metrics.requestStarted();
        metrics.requestFinished("GET", "/v1/models", 200, 1_000_000);
        metrics.connectionOpened();
        metrics.keyCall("k", "none", "m", "stop", 3, 2, 0.5);
        metrics.quotaRefused("k", "requests_per_minute");
        metrics.quotaRemaining("k", "requests_per_minute", 3);
        metrics.quotaConfigured("k", "requests_per_minute", 60);
        metrics.quotaStoreFailed("admit");
        return metrics;
    }

    private static String exposedName(MetricSnapshot s) {
        String name = s.getMetadata().getPrometheusName();
        return switch (s) {
            case CounterSnapshot c -> name + "_total";
            case InfoSnapshot i -> name + "_info";
            default -> name;
        };
    }

    private static Definition definition(MetricSnapshot s) {
        // The classic text format, which Prometheus and promtool read, declares an info metric a gauge.
        String type = switch (s) {
            case CounterSnapshot c -> "counter";
            case GaugeSnapshot g -> "gauge";
            case InfoSnapshot i -> "gauge";
            case HistogramSnapshot h -> "histogram";
            default -> throw new AssertionError("unexpected metric type " + s.getClass().getSimpleName());
        };
        assertFalse(s.getDataPoints().isEmpty(), s.getMetadata().getName() + " has no data point to read labels from");
        Set<String> labels = new TreeSet<>();
        s.getDataPoints().forEach(p -> p.getLabels().forEach((Label l) -> labels.add(l.getName())));
        return new Definition(type, labels);
    }
}
