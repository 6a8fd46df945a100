package dev.stackwatch.usage;

import dev.stackwatch.BuildInfo;
import dev.stackwatch.config.usage.KeyQuota;
import dev.stackwatch.config.usage.Price;
import dev.stackwatch.config.usage.Quota;
import dev.stackwatch.config.usage.StoreConfig;
import dev.stackwatch.config.usage.UsageConfig;
import dev.stackwatch.telemetry.metrics.Metrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the quota check costs one request: admission (count the request, reserve tokens, check every limit, build the
 * rate-limit headers) and settlement with the real usage, for a key with requests-, tokens-per-minute and a monthly
 * spend quota. The baseline is the same calls for a key without quotas (what every request pays when quotas are
 * off). The Redis variant talks to a real redis-server the benchmark starts on a free loopback port
 * ({@code redis-server} on PATH), so it measures two loopback round trips and the Lua scripts.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class QuotaCheckBenchmark {
    private static final long HUGE = Long.MAX_VALUE / 4;

    private QuotaKeeper memory;
    private QuotaKeeper redis;
    private Process redisServer;

    @Setup
    public void setUp() throws Exception {
        memory = keeper(StoreConfig.MEMORY, null);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        redisServer = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!accepts(port)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("redis-server did not start on port " + port);
            }
            Thread.sleep(20);
        }
        StoreConfig store = new StoreConfig(StoreConfig.Type.REDIS, Optional.of(URI.create("redis://127.0.0.1:" + port)),
                Optional.empty(), Duration.ofSeconds(1), true);
        redis = keeper(store, new RedisQuotaStore(store));
    }

    private static QuotaKeeper keeper(StoreConfig store, QuotaStore backing) {
        UsageConfig config = new UsageConfig("USD", Map.of("m", new Price(1, 2)), Map.of("team",
                new KeyQuota(Map.of(Quota.REQUESTS_PER_MINUTE, HUGE, Quota.TOKENS_PER_MINUTE, HUGE,
                        Quota.SPEND_PER_MONTH, HUGE))), 1000, store, Optional.empty());
        Metrics metrics = new Metrics(new PrometheusRegistry(), new BuildInfo("bench"), List.of(), Set.of("team", "open"));
        return new QuotaKeeper(config, backing == null ? new MemoryQuotaStore() : backing,
                new StoreWatch(store, metrics, System::nanoTime), Clock.systemUTC(), metrics);
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @TearDown
    public void tearDown() {
        memory.close();
        redis.close();
        redisServer.destroyForcibly();
    }

    @Benchmark
    public Admission noQuotas() {
        return checkAndSettle(memory, "open");
    }

    @Benchmark
    public Admission memoryStore() {
        return checkAndSettle(memory, "team");
    }

    @Benchmark
    public Admission redisStore() {
        return checkAndSettle(redis, "team");
    }

    private static Admission checkAndSettle(QuotaKeeper keeper, String key) {
        Admission admission = keeper.admit(key);
        admission.reservation().ifPresent(r -> keeper.settle(r, 150, 0.0002));
        return admission;
    }
}
