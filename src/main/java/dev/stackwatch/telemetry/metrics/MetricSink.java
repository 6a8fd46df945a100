package dev.stackwatch.telemetry.metrics;

import dev.stackwatch.exchange.Exchange;
import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.InferenceObserver.CallInfo;
import java.util.List;

/**
 * One output of the measurements: the Prometheus registry behind /metrics, the OTLP push. The recording points
 * ({@link HttpMetricsFilter} at the API edge, {@link MetricsObserver} around provider calls) read the clock once per
 * event and hand the same numbers to every sink, so the outputs can never disagree on what happened; each sink only
 * decides how to name and bucket it. Adding an output is one class implementing this.
 */
public interface MetricSink {

    /** An API request began; {@link #requestFinished} follows with the same method and scheme. */
    void requestStarted(String method, boolean secure);

    /** {@code route}: the route template, or {@link dev.stackwatch.exchange.Exchange#UNMATCHED_ROUTE}. */
    void requestFinished(String method, boolean secure, String route, int status, long nanos);

    /** A provider call starts; what happens to it goes to the returned recorder. */
    CallRecorder call(CallInfo info);

    /** One provider call. Exactly one of completed, embedded or failed ends it; times are nanoseconds. */
    interface CallRecorder {
        /** Streams only: the first token reached the client this long after the request arrived. */
        void firstToken(long sinceArrival);

        /** Streams only: a later token reached the client this long after the previous one. */
        void nextToken(long gap);

        /**
         * {@code sinceFirstToken}: from the first token to the end, on the same clock as {@code duration}; -1 when no
         * token was timed (not a stream, or no token).
         */
        void completed(Completion completion, long duration, long sinceFirstToken);

        void embedded(int inputTokens, long duration);

        /** A client that went away is a {@link dev.stackwatch.inference.ClientDisconnectedException}. */
        void failed(Throwable failure, long duration);
    }

    /** The sinks as one; a single sink is returned as it is, so Prometheus alone pays no fan-out. */
    static MetricSink of(List<MetricSink> sinks) {
        return sinks.size() == 1 ? sinks.getFirst() : new FanOutSink(sinks);
    }
}
