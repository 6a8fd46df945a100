package dev.stackwatch.telemetry.metrics;

import dev.stackwatch.inference.FinishReason;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import java.util.Map;

/** The already-labelled series one provider call records into (one model, provider, operation and stream flag). */
public record CallSeries(DistributionDataPoint latency, DistributionDataPoint timeToFirstToken,
                         DistributionDataPoint interTokenLatency, CounterDataPoint inputTokens,
                         CounterDataPoint outputTokens, Map<FinishReason, CounterDataPoint> finished,
                         CounterDataPoint failed, CounterDataPoint cancelled) {}
