package dev.stackwatch.usage;

import dev.stackwatch.api.JsonResponses;
import dev.stackwatch.config.security.ApiKey;
import dev.stackwatch.config.security.AuthConfig;
import dev.stackwatch.config.usage.UsageConfig;
import dev.stackwatch.prom.PromSample;
import dev.stackwatch.prom.PromSnapshot;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * {@code GET /usage} on the management port (admin token, see the management guard): every key with what it used
 * and spent through this replica since it started, by model, and its quotas as the shared store counts them now.
 * Keys come most-spending first, so the top of the list is the console's "top keys".
 */
public final class UsageEndpoints {
    public static final String PATH = "/usage";

    record ModelUse(String model, long requests, long inputTokens, long outputTokens, double spend) {}

    record KeyUse(String key, long requests, long inputTokens, long outputTokens, double spend, List<ModelUse> models,
                  List<QuotaKeeper.QuotaUse> quotas, String quotaError) {}

    record UsageList(String currency, String store, List<KeyUse> keys) {}

    private final QuotaKeeper keeper;
    private final List<String> keys;
    private final Supplier<String> exposition;
    private final JsonResponses responses;

    /** {@code exposition}: the registry in the Prometheus text format, as /metrics serves it. */
    public UsageEndpoints(QuotaKeeper keeper, AuthConfig auth, Supplier<String> exposition, JsonResponses responses) {
        this.keeper = keeper;
        List<String> all = new ArrayList<>(auth.apiKeys().stream().map(ApiKey::name).toList());
        all.add(UsageConfig.ANONYMOUS);
        this.keys = List.copyOf(all);
        this.exposition = exposition;
        this.responses = responses;
    }

    public void register(HttpRouting.Builder routing) {
        routing.get(PATH, this::list);
    }

    private void list(ServerRequest req, ServerResponse res) {
        responses.send(res, 200, usage());
    }

    UsageList usage() {
        PromSnapshot now = PromSnapshot.of(exposition.get());
        List<KeyUse> uses = new ArrayList<>();
        for (String key : keys) {
            Map<String, long[]> counts = new TreeMap<>();
            Map<String, Double> spend = new TreeMap<>();
            for (PromSample s : now.samples()) {
                if (!key.equals(s.labels().get("key")) || !s.labels().containsKey("model")) {
                    continue;
                }
                long[] c = counts.computeIfAbsent(s.labels().get("model"), m -> new long[3]);
                switch (s.name()) {
                    case "llamastack_key_requests_total" -> c[0] += (long) s.value();
                    case "llamastack_key_tokens_total" -> c["input".equals(s.labels().get("type")) ? 1 : 2]
                            += (long) s.value();
                    case "llamastack_spend_total" -> spend.merge(s.labels().get("model"), s.value(), Double::sum);
                    default -> { }
                }
            }
            List<ModelUse> models = counts.entrySet().stream().map(e -> new ModelUse(e.getKey(), e.getValue()[0],
                    e.getValue()[1], e.getValue()[2], spend.getOrDefault(e.getKey(), 0.0))).toList();
            List<QuotaKeeper.QuotaUse> quotas = List.of();
            String quotaError = null;
            try {
                quotas = keeper.use(key);
            } catch (QuotaStoreException e) {
                quotaError = e.getMessage();
            }
            uses.add(new KeyUse(key, models.stream().mapToLong(ModelUse::requests).sum(),
                    models.stream().mapToLong(ModelUse::inputTokens).sum(),
                    models.stream().mapToLong(ModelUse::outputTokens).sum(),
                    models.stream().mapToDouble(ModelUse::spend).sum(), models, quotas, quotaError));
        }
        uses.sort(Comparator.comparingDouble(KeyUse::spend).reversed()
                .thenComparing(Comparator.comparingLong((KeyUse k) -> k.inputTokens() + k.outputTokens()).reversed())
                .thenComparing(KeyUse::key));
        return new UsageList(keeper.config().currency(), keeper.config().store().type().name().toLowerCase(
                java.util.Locale.ROOT), uses);
    }
}
