package dev.stackwatch.telemetry.tracing;

import static dev.stackwatch.telemetry.tracing.SpanAttributes.ERROR_TYPE;
import static dev.stackwatch.telemetry.tracing.SpanAttributes.FIRST_TOKEN_EVENT;
import static dev.stackwatch.telemetry.tracing.SpanAttributes.GEN_AI_OPERATION_NAME;
import static dev.stackwatch.telemetry.tracing.SpanAttributes.GEN_AI_PROVIDER_NAME;
import static dev.stackwatch.telemetry.tracing.SpanAttributes.GEN_AI_REQUEST_MAX_TOKENS;
import static dev.stackwatch.telemetry.tracing.SpanAttributes.GEN_AI_REQUEST_MODEL;
import static dev.stackwatch.telemetry.tracing.SpanAttributes.GEN_AI_REQUEST_TEMPERATURE;
import static dev.stackwatch.telemetry.tracing.SpanAttributes.GEN_AI_REQUEST_TOP_P;
import static dev.stackwatch.telemetry.tracing.SpanAttributes.GEN_AI_RESPONSE_FINISH_REASONS;
import static dev.stackwatch.telemetry.tracing.SpanAttributes.GEN_AI_USAGE_INPUT_TOKENS;
import static dev.stackwatch.telemetry.tracing.SpanAttributes.GEN_AI_USAGE_OUTPUT_TOKENS;

import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.Embeddings;
import dev.stackwatch.inference.InferenceObserver;
import dev.stackwatch.inference.SamplingParams;
import dev.stackwatch.inference.UpstreamHeaders;
import dev.stackwatch.telemetry.GenAiNames;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GenAI client span ("{operation} {model}") around each provider call, child of whatever span is current (the
 * request's server span). It is made current for the duration of the call, so observers after this one record inside
 * it, and its call gives the upstream requests its trace context in place of the client's ({@link UpstreamHeaders}),
 * so remote providers propagate it. {@link dev.stackwatch.inference.ObservedProvider}
 * ends observers in reverse order on the calling thread, so the scope opened here is closed on the same thread, last.
 */
public final class TracingObserver implements InferenceObserver {
    private final Tracer tracer;

    TracingObserver(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public Call start(CallInfo info) {
        String operation = GenAiNames.operationName(info.operation());
        SpanBuilder builder = tracer.spanBuilder(operation + " " + info.model().id())
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(GEN_AI_OPERATION_NAME, operation)
                .setAttribute(GEN_AI_PROVIDER_NAME, GenAiNames.providerName(info.providerType()))
                .setAttribute(GEN_AI_REQUEST_MODEL, info.model().id());
        if (info.generation() != null) {
            SamplingParams params = info.generation().params();
            if (params.maxTokens() != null) {
                builder.setAttribute(GEN_AI_REQUEST_MAX_TOKENS, params.maxTokens().longValue());
            }
            if (params.temperature() != null) {
                builder.setAttribute(GEN_AI_REQUEST_TEMPERATURE, params.temperature());
            }
            if (params.topP() != null) {
                builder.setAttribute(GEN_AI_REQUEST_TOP_P, params.topP());
            }
        }
        Span span = builder.startSpan();
        Scope scope = span.makeCurrent();
        return new Traced(span, scope, new TraceMdc(span.getSpanContext()), info.stream());
    }

    /** {@code stream}: only a streamed first token reaches the client then; a whole response's tokens do not. */
    private record Traced(Span span, Scope scope, TraceMdc mdc, boolean stream) implements Call {
        /** This span's {@code traceparent} instead of the client's, so the upstream's spans become its children. */
        @Override
        public UpstreamHeaders upstreamHeaders(UpstreamHeaders given) {
            Map<String, String> headers = new LinkedHashMap<>();
            TraceHeaders.inject(span, headers::put);
            return UpstreamHeaders.from(headers::get);
        }

        @Override
        public void token(int index, long nanoTime) {
            if (index == 0 && stream) {
                span.addEvent(FIRST_TOKEN_EVENT);
            }
        }

        @Override
        public void completed(Completion completion) {
            span.setAttribute(GEN_AI_RESPONSE_FINISH_REASONS, List.of(completion.finishReason().wire()));
            span.setAttribute(GEN_AI_USAGE_INPUT_TOKENS, (long) completion.usage().promptTokens());
            span.setAttribute(GEN_AI_USAGE_OUTPUT_TOKENS, (long) completion.usage().completionTokens());
            end();
        }

        @Override
        public void embedded(Embeddings embeddings) {
            span.setAttribute(GEN_AI_USAGE_INPUT_TOKENS, (long) embeddings.promptTokens());
            end();
        }

        @Override
        public void failed(Throwable failure) {
            span.setAttribute(ERROR_TYPE, GenAiNames.errorType(failure));
            span.recordException(failure);
            span.setStatus(StatusCode.ERROR, failure.getMessage());
            end();
        }

        private void end() {
            mdc.close();
            scope.close();
            span.end();
        }
    }
}
