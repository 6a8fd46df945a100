package dev.stackwatch.telemetry.metrics;

import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.InferenceObserver.CallInfo;
import java.util.List;

/** Every event to each sink in turn: how one measurement feeds Prometheus and OTLP alike. */
final class FanOutSink implements MetricSink {
    private final MetricSink[] sinks;

    FanOutSink(List<MetricSink> sinks) {
        this.sinks = sinks.toArray(MetricSink[]::new);
    }

    @Override
    public void requestStarted(String method, boolean secure) {
        for (MetricSink s : sinks) {
            s.requestStarted(method, secure);
        }
    }

    @Override
    public void requestFinished(String method, boolean secure, String route, int status, long nanos) {
        for (MetricSink s : sinks) {
            s.requestFinished(method, secure, route, status, nanos);
        }
    }

    @Override
    public CallRecorder call(CallInfo info) {
        CallRecorder[] recorders = new CallRecorder[sinks.length];
        for (int i = 0; i < sinks.length; i++) {
            recorders[i] = sinks[i].call(info);
        }
        return new FanOutRecorder(recorders);
    }

    private record FanOutRecorder(CallRecorder[] recorders) implements CallRecorder {
        @Override
        public void firstToken(long sinceArrival) {
            for (CallRecorder r : recorders) {
                r.firstToken(sinceArrival);
            }
        }

        @Override
        public void nextToken(long gap) {
            for (CallRecorder r : recorders) {
                r.nextToken(gap);
            }
        }

        @Override
        public void completed(Completion completion, long duration, long sinceFirstToken) {
            for (CallRecorder r : recorders) {
                r.completed(completion, duration, sinceFirstToken);
            }
        }

        @Override
        public void embedded(int inputTokens, long duration) {
            for (CallRecorder r : recorders) {
                r.embedded(inputTokens, duration);
            }
        }

        @Override
        public void failed(Throwable failure, long duration) {
            for (CallRecorder r : recorders) {
                r.failed(failure, duration);
            }
        }
    }
}
