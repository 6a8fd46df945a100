package dev.stackwatch.telemetry.metrics.otlp;

import java.util.List;

/** The explicit bucket boundaries the GenAI and HTTP semantic conventions recommend, as they publish them. */
final class SemconvBuckets {
    /** gen_ai.server.request.duration (and gen_ai.client.operation.duration): doubling from 10 ms. */
    static final List<Double> DURATION = List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24,
            20.48, 40.96, 81.92);
    static final List<Double> TIME_TO_FIRST_TOKEN = List.of(0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5,
            0.75, 1.0, 2.5, 5.0, 7.5, 10.0);
    static final List<Double> TIME_PER_OUTPUT_TOKEN = List.of(0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5,
            0.75, 1.0, 2.5);
    /** gen_ai.client.token.usage: powers of 4 from 1 to 4^13. */
    static final List<Long> TOKEN_USAGE = List.of(1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L,
            1048576L, 4194304L, 16777216L, 67108864L);
    /** http.server.request.duration. */
    static final List<Double> HTTP_DURATION = List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5,
            5.0, 7.5, 10.0);

    private SemconvBuckets() {
    }
}
