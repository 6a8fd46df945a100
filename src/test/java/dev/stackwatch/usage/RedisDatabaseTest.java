package dev.stackwatch.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** The Redis database a store URL names: its path, as redis-cli and the Redis URI scheme read it; none is 0. */
class RedisDatabaseTest {
    @Test
    void thePathNamesTheDatabase() {
        assertEquals(2, RedisQuotaStore.database(URI.create("rediss://redis.example:6380/2")));
        assertEquals(0, RedisQuotaStore.database(URI.create("redis://redis.example:6379")));
        assertEquals(0, RedisQuotaStore.database(URI.create("redis://redis.example:6379/")));
    }
}
