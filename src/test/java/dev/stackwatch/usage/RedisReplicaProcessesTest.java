package dev.stackwatch.usage;

import dev.stackwatch.testing.RedisServer;
import dev.stackwatch.testing.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replicas as Kubernetes runs them: two Stackwatch processes (own JVMs, own memory, nothing shared but Redis)
 * give one key exactly its 60 requests a minute between them, and hold one token budget under streams.
 */
class RedisReplicaProcessesTest {

    @Test
    void twoProcessesSharingRedisHoldOneLimitPerKey(@TempDir Path dir) throws Exception {
        try (RedisServer redis = new RedisServer(dir)) {
            Path config = Files.writeString(dir.resolve("run.yaml"), QuotaChecks.config("""
                    store: {type: redis, url: "%s", timeout_ms: 500, on_unavailable: fail_closed}
                    """.formatted(redis.url())));
            Path a = Files.createDirectories(dir.resolve("a"));
            Path b = Files.createDirectories(dir.resolve("b"));
            try (ServerProcess first = new ServerProcess(a, Map.of(), "--config", config.toString());
                 ServerProcess second = new ServerProcess(b, Map.of(), "--config", config.toString())) {
                List<QuotaChecks.Replica> replicas = List.of(QuotaChecks.Replica.of(first),
                        QuotaChecks.Replica.of(second));
                QuotaChecks.requestsPerMinuteHoldExactly(replicas);
                QuotaChecks.tokensPerMinuteHoldWithStreams(replicas);
            }
        }
    }
}
