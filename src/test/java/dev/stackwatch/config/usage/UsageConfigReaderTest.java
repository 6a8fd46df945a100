package dev.stackwatch.config.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.stackwatch.config.ConfigException;
import dev.stackwatch.config.ConfigLoader;
import dev.stackwatch.testing.TestServers;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code server.usage}: what it reads, and every mistake that would leave a limit unenforced stops start-up. */
class UsageConfigReaderTest {
    private static final String KEYS = """
              auth:
                api_keys:
                - {name: team-a, token: team-a-token-0123456789}
            """;

    private static UsageConfig read(String usageBlock, Map<String, String> env) {
        String indented = usageBlock.lines().map(line -> "    " + line + "\n").reduce("", String::concat);
        return new ConfigLoader(env, w -> {}).parse(TestServers.FAST_SIMULATOR + "server:\n" + KEYS + "  usage:\n"
                + indented, "run.yaml").server().usage();
    }

    @Test
    void readsPricesQuotasAndARedisStoreWithItsPasswordFromTheEnvironment() {
        UsageConfig usage = read("""
                currency: EUR
                reserve_tokens: 500
                prices:
                  sim-chat: {input_per_million: 0.5, output_per_million: 1.5}
                quotas:
                  team-a: {requests_per_minute: 60, tokens_per_day: 100000, spend_per_month: 12.5}
                  anonymous: {requests_per_minute: 5}
                tenant: {header: X-Tenant, values: [research, support]}
                store: {type: redis, url: "rediss://redis.example:6380/2", password: "${env.REDIS_PASSWORD}",
                        timeout_ms: 150, on_unavailable: fail_closed}
                """, Map.of("REDIS_PASSWORD", "s3cret"));
        assertEquals("EUR", usage.currency());
        assertEquals(500, usage.reserveTokens());
        TenantConfig tenant = usage.tenant().orElseThrow();
        assertEquals("X-Tenant", tenant.header());
        assertEquals("research", tenant.label(" research "));
        assertEquals(TenantConfig.OTHER, tenant.label("someone-else"));
        assertEquals(TenantConfig.NONE, tenant.label(null));
        assertEquals(new Price(0.5, 1.5), usage.price("sim-chat"));
        assertEquals(Price.FREE, usage.price("sim-embed"));
        assertEquals(Map.of(Quota.REQUESTS_PER_MINUTE, 60L, Quota.TOKENS_PER_DAY, 100_000L,
                Quota.SPEND_PER_MONTH, 12_500_000L), usage.quotas().get("team-a").limits());
        assertEquals(Map.of(Quota.REQUESTS_PER_MINUTE, 5L), usage.quotas().get("anonymous").limits());
        StoreConfig store = usage.store();
        assertEquals(StoreConfig.Type.REDIS, store.type());
        assertEquals("s3cret", store.password().orElseThrow());
        assertEquals(false, usage.toString().contains("s3cret"), "the password never shows in the config's text");
        assertEquals(true, store.tls());
        assertEquals("rediss://redis.example:6380/2", store.url().orElseThrow().toString());
        assertEquals(Duration.ofMillis(150), store.timeout());
        assertEquals(false, store.failOpen());
    }

    @Test
    void withoutAUsageBlockNothingIsLimitedAndTheStoreIsMemory() {
        UsageConfig usage = new ConfigLoader(Map.of(), w -> {}).parse(TestServers.FAST_SIMULATOR, "run.yaml")
                .server().usage();
        assertEquals(UsageConfig.DEFAULT, usage);
        assertEquals(false, usage.limited());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "quotas: {team-b: {requests_per_minute: 1}}|run.yaml: server.usage.quotas.team-b: no API key named 'team-b'",
        "prices: {sim-chat: {input_per_million: -1}}|run.yaml: server.usage.prices.sim-chat.input_per_million: -1.0 is out of range",
        "prices: {gpt-9: {input_per_million: 1}}|run.yaml: server.usage.prices.gpt-9: no model 'gpt-9' is registered",
        "quotas: {team-a: {tokens_per_minute: -5}}|run.yaml: server.usage.quotas.team-a.tokens_per_minute: -5 is out of range",
        "store: {type: redis, url: 'http://redis:6379'}|run.yaml: server.usage.store.url: must start with redis:// or rediss://",
        "store: {type: redis, url: 'redis://user:pw@redis:6379'}|run.yaml: server.usage.store.url: must not carry credentials",
        "store: {type: redis, url: 'redis://redis:6379/x'}|run.yaml: server.usage.store.url: path '/x' is not a database number",
        "store: {type: redis}|run.yaml: server.usage.store.url: is required when type is redis",
        "store: {type: etcd}|run.yaml: server.usage.store.type: 'etcd' is not one of memory, redis",
        "store: {on_unavailable: maybe}|run.yaml: server.usage.store.on_unavailable: 'maybe' is not one of fail_open, fail_closed",
        "tenant: {header: X-Tenant}|run.yaml: server.usage.tenant.values: must list 1 to 50 tenants",
        "tenant: {header: X-Tenant, values: [a, other]}|run.yaml: server.usage.tenant.values[1]: 'other' is reserved",
        "tenant: {values: [a]}|run.yaml: server.usage.tenant.header: is required",
    })
    void mistakesStopStartUpNamingFileAndField(String block, String message) {
        ConfigException e = assertThrows(ConfigException.class, () -> read(block, Map.of()));
        assertEquals(true, e.getMessage().startsWith(message), e.getMessage());
    }
}
