package dev.stackwatch.config.usage;

import dev.stackwatch.config.ConfigNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads {@code server.usage}. A quota for a key that does not exist, a price for a model that is not registered, a
 * negative number or a Redis URL that cannot work stops start-up: each would silently leave a limit unenforced.
 */
public final class UsageConfigReader {
    private static final Set<String> USAGE_KEYS = Set.of("currency", "prices", "quotas", "reserve_tokens", "store",
            "tenant");
    private static final Set<String> TENANT_KEYS = Set.of("header", "values");
    /** Each value is a label value on three counters: a handful, not a customer list. */
    private static final int MAX_TENANTS = 50;
    private static final Set<String> PRICE_KEYS = Set.of("input_per_million", "output_per_million");
    private static final Set<String> STORE_KEYS = Set.of("type", "url", "password", "timeout_ms", "on_unavailable");
    private static final double MAX_PRICE = 1e9;
    private static final long MAX_COUNT = 1_000_000_000_000L;

    private UsageConfigReader() {
    }

    /** {@code keyNames}: the keys of {@code server.auth}; {@code modelIds}: the registered models. */
    public static UsageConfig read(ConfigNode usage, Set<String> keyNames, Set<String> modelIds) {
        if (usage.isMissing()) {
            return UsageConfig.DEFAULT;
        }
        usage.warnUnknownKeys(USAGE_KEYS);
        String currency = usage.text("currency", UsageConfig.DEFAULT_CURRENCY).trim();
        return new UsageConfig(currency, prices(usage.child("prices"), modelIds),
                quotas(usage.child("quotas"), keyNames),
                usage.integer("reserve_tokens", UsageConfig.DEFAULT_RESERVE_TOKENS, 1, 100_000_000),
                store(usage.child("store")), tenant(usage.child("tenant")));
    }

    private static Map<String, Price> prices(ConfigNode prices, Set<String> modelIds) {
        Map<String, Price> all = new LinkedHashMap<>();
        for (String model : fieldNames(prices)) {
            ConfigNode price = prices.child(model);
            if (!modelIds.contains(model)) {
                throw price.error("no model '" + model + "' is registered (models: " + String.join(", ",
                        new TreeSet<>(modelIds)) + ")");
            }
            price.warnUnknownKeys(PRICE_KEYS);
            all.put(model, new Price(price.number("input_per_million", 0, 0, MAX_PRICE),
                    price.number("output_per_million", 0, 0, MAX_PRICE)));
        }
        return all;
    }

    private static Map<String, KeyQuota> quotas(ConfigNode quotas, Set<String> keyNames) {
        Set<String> known = new TreeSet<>(keyNames);
        known.add(UsageConfig.ANONYMOUS);
        Set<String> quotaNames = new TreeSet<>();
        for (Quota q : Quota.values()) {
            quotaNames.add(q.label());
        }
        Map<String, KeyQuota> all = new LinkedHashMap<>();
        for (String key : fieldNames(quotas)) {
            ConfigNode entry = quotas.child(key);
            if (!known.contains(key)) {
                throw entry.error("no API key named '" + key + "' in server.auth.api_keys (keys: "
                        + String.join(", ", known) + ")");
            }
            entry.warnUnknownKeys(quotaNames);
            Map<Quota, Long> limits = new EnumMap<>(Quota.class);
            for (Quota q : Quota.values()) {
                if (!entry.has(q.label())) {
                    continue;
                }
                limits.put(q, q.measure() == Quota.Measure.SPEND
                        ? Math.round(entry.number(q.label(), 0, 0, MAX_PRICE) * Quota.MICROS)
                        : entry.longValue(q.label(), 0, 0, MAX_COUNT));
            }
            all.put(key, new KeyQuota(limits));
        }
        return all;
    }

    private static Optional<TenantConfig> tenant(ConfigNode tenant) {
        if (tenant.isMissing()) {
            return Optional.empty();
        }
        tenant.warnUnknownKeys(TENANT_KEYS);
        String header = tenant.requiredText("header").trim();
        if (!header.matches("[A-Za-z0-9-]+")) {
            throw tenant.child("header").error("'" + header + "' is not a header name");
        }
        Set<String> values = new java.util.LinkedHashSet<>();
        for (ConfigNode v : tenant.list("values")) {
            if (v.isMissing() || !v.raw().isValueNode()) {
                throw v.error("must be a string");
            }
            String value = v.raw().asText().trim();
            if (value.equals(TenantConfig.NONE) || value.equals(TenantConfig.OTHER)) {
                throw v.error("'" + value + "' is reserved for requests without a known tenant");
            }
            values.add(value);
        }
        if (values.isEmpty() || values.size() > MAX_TENANTS) {
            throw tenant.child("values").error("must list 1 to " + MAX_TENANTS + " tenants");
        }
        return Optional.of(new TenantConfig(header, values));
    }

    private static StoreConfig store(ConfigNode store) {
        if (store.isMissing()) {
            return StoreConfig.MEMORY;
        }
        store.warnUnknownKeys(STORE_KEYS);
        String type = store.text("type", "memory").trim().toLowerCase(Locale.ROOT);
        Duration timeout = Duration.ofMillis(store.integer("timeout_ms",
                (int) StoreConfig.DEFAULT_TIMEOUT.toMillis(), 4, 60_000));
        String mode = store.text("on_unavailable", "fail_open").trim().toLowerCase(Locale.ROOT);
        if (!mode.equals("fail_open") && !mode.equals("fail_closed")) {
            throw store.child("on_unavailable").error("'" + mode + "' is not one of fail_open, fail_closed");
        }
        return switch (type) {
            case "memory" -> new StoreConfig(StoreConfig.Type.MEMORY, Optional.empty(), Optional.empty(), timeout,
                    mode.equals("fail_open"));
            case "redis" -> new StoreConfig(StoreConfig.Type.REDIS, Optional.of(redisUrl(store)),
                    store.text("password"), timeout, mode.equals("fail_open"));
            default -> throw store.child("type").error("'" + type + "' is not one of memory, redis");
        };
    }

    private static URI redisUrl(ConfigNode store) {
        String text = store.text("url").orElseThrow(() -> store.child("url").error(
                "is required when type is redis (redis://host:port/db, rediss:// for TLS)"));
        ConfigNode field = store.child("url");
        URI url;
        try {
            url = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw field.error("'" + text + "' is not a URL: " + e.getReason());
        }
        if (!"redis".equals(url.getScheme()) && !"rediss".equals(url.getScheme())) {
            throw field.error("must start with redis:// or rediss:// (TLS)");
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw field.error("has no host");
        }
        if (url.getUserInfo() != null) {
            // A password in the URL would sit in the config file; password reads it from the environment.
            throw field.error("must not carry credentials; set password: ${env.REDIS_PASSWORD} instead");
        }
        String db = url.getPath() == null ? "" : url.getPath().replaceFirst("^/", "");
        if (!db.isEmpty() && !db.matches("\\d{1,4}")) {
            throw field.error("path '/" + db + "' is not a database number");
        }
        return url;
    }

    private static Iterable<String> fieldNames(ConfigNode node) {
        if (node.isMissing()) {
            return Set.of();
        }
        if (!node.raw().isObject()) {
            throw node.error("must be a mapping");
        }
        Set<String> names = new java.util.LinkedHashSet<>();
        for (Iterator<String> it = node.raw().fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
