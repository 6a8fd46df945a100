package dev.stackwatch.usage;

import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.testing.TestServers;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The default store, in one process, holds the same limits exactly as Redis does across replicas. */
class MemoryQuotaTest {
    private StackwatchServer server;

    @BeforeEach
    void start() {
        server = TestServers.start(QuotaChecks.config("store: {type: memory}"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void requestsPerMinuteHoldExactly() throws Exception {
        QuotaChecks.requestsPerMinuteHoldExactly(List.of(server));
    }

    @Test
    void tokensPerMinuteHoldWithStreamsAndSpendIsPriceTimesTokens() throws Exception {
        QuotaChecks.tokensPerMinuteHoldWithStreams(List.of(server));
    }
}
