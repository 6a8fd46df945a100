package dev.stackwatch.usage;

import dev.stackwatch.config.usage.StoreConfig;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * Quota counters in Redis, shared by every replica. Each call is one Lua script run by EVALSHA: Redis runs a script
 * alone, so a check and its increments are atomic across replicas, in one round trip. A Redis that restarted has
 * forgotten the script; the first NOSCRIPT answer sends it again with EVAL, which caches it anew.
 *
 * <p>Counter keys are {@code stackwatch:quota:{key}:quota:window}: the key name in braces is a Redis Cluster hash
 * tag, so all of one key's counters live in one slot and a script may touch them together.
 */
final class RedisQuotaStore implements QuotaStore {
    private static final String PREFIX = "stackwatch:quota:";

    /** ARGV: limit, increment, retention per key. Returns {refused index or 0, value...}. */
    private static final String ACQUIRE = """
            local n = #KEYS
            local values = {0}
            for i = 1, n do values[i + 1] = tonumber(redis.call('GET', KEYS[i]) or '0') end
            for i = 1, n do
              local inc = tonumber(ARGV[3 * i - 1])
              if values[i + 1] + math.max(inc, 1) > tonumber(ARGV[3 * i - 2]) then
                values[1] = i
                return values
              end
            end
            for i = 1, n do
              local inc = tonumber(ARGV[3 * i - 1])
              if inc > 0 then
                values[i + 1] = redis.call('INCRBY', KEYS[i], inc)
                redis.call('EXPIRE', KEYS[i], ARGV[3 * i], 'NX')
              end
            end
            return values
            """;
    /** ARGV: delta, retention per key. Never below zero: a give-back may land after the counter expired. */
    private static final String ADD = """
            for i = 1, #KEYS do
              local delta = tonumber(ARGV[2 * i - 1])
              if delta ~= 0 then
                local v = redis.call('INCRBY', KEYS[i], delta)
                if v < 0 then redis.call('SET', KEYS[i], 0, 'KEEPTTL') end
                redis.call('EXPIRE', KEYS[i], ARGV[2 * i], 'NX')
              end
            end
            return 0
            """;

    private final RedisClient redis;
    private final String acquireSha;
    private final String addSha;

    RedisQuotaStore(StoreConfig config) {
        URI url = config.url().orElseThrow();
        Duration timeout = config.timeout();
        // The three waits of one call add up to the configured timeout: a free connection, connecting, the answer.
        int quarter = (int) Math.max(1, timeout.toMillis() / 4);
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(quarter)
                .socketTimeoutMillis(2 * quarter)
                .ssl(config.tls())
                .database(database(url))
                .clientName("stackwatch");
        config.password().ifPresent(client::password);
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(64);
        pool.setMaxIdle(64);
        pool.setMaxWait(Duration.ofMillis(quarter));
        pool.setBlockWhenExhausted(true);
        this.redis = RedisClient.builder()
                .hostAndPort(url.getHost(), url.getPort() == -1 ? 6379 : url.getPort())
                .clientConfig(client.build())
                .poolConfig(pool)
                .build();
        this.acquireSha = Scripts.sha1(ACQUIRE);
        this.addSha = Scripts.sha1(ADD);
    }

    static int database(URI url) {
        String path = url.getPath() == null ? "" : url.getPath().replace("/", "");
        return path.isEmpty() ? 0 : Integer.parseInt(path);
    }

    @Override
    public Result acquire(List<Slot> slots) {
        List<String> args = new ArrayList<>(slots.size() * 3);
        for (Slot s : slots) {
            args.add(Long.toString(s.limit()));
            args.add(Long.toString(s.increment()));
            args.add(Long.toString(s.retentionSeconds()));
        }
        List<?> answer = (List<?>) run(ACQUIRE, acquireSha, keys(slots), args);
        long[] values = new long[slots.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = ((Number) answer.get(i + 1)).longValue();
        }
        int refused = ((Number) answer.getFirst()).intValue();
        return new Result(refused == 0 ? Result.ADMITTED : refused - 1, values);
    }

    @Override
    public void add(List<Slot> slots, long[] deltas) {
        List<String> args = new ArrayList<>(slots.size() * 2);
        for (int i = 0; i < deltas.length; i++) {
            args.add(Long.toString(deltas[i]));
            args.add(Long.toString(slots.get(i).retentionSeconds()));
        }
        run(ADD, addSha, keys(slots), args);
    }

    @Override
    public long[] read(List<Slot> slots) {
        try {
            List<String> found = redis.mget(keys(slots).toArray(String[]::new));
            long[] values = new long[slots.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = found.get(i) == null ? 0 : Long.parseLong(found.get(i));
            }
            return values;
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    private Object run(String script, String sha, List<String> keys, List<String> args) {
        try {
            try {
                return redis.evalsha(sha, keys, args);
            } catch (JedisNoScriptException forgotten) {
                return redis.eval(script, keys, args);
            }
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    private static QuotaStoreException unavailable(JedisException e) {
        return new QuotaStoreException("Redis: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }

    private static List<String> keys(List<Slot> slots) {
        List<String> keys = new ArrayList<>(slots.size());
        for (Slot s : slots) {
            keys.add(PREFIX + s.name() + ":" + s.window());
        }
        return keys;
    }

    @Override
    public void close() {
        redis.close();
    }
}
