package dev.stackwatch.provider.simulator.distribution;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stackwatch.wire.ApiException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One kind of simulated resource (files, vector stores, conversations, ...) held in memory by id, in creation order,
 * up to a bound: a demo or test distribution must not grow without limit, so the oldest goes first.
 */
final class Resources {
    private static final int MAX = 10_000;

    private final String kind;
    private final String idPrefix;
    private final Map<String, ObjectNode> byId = new LinkedHashMap<>();

    /** {@code kind} names the resource in 404 messages; ids start with {@code idPrefix}. */
    Resources(String kind, String idPrefix) {
        this.kind = kind;
        this.idPrefix = idPrefix;
    }

    String newId() {
        return idPrefix + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    synchronized ObjectNode put(String id, ObjectNode resource) {
        if (byId.size() >= MAX && !byId.containsKey(id)) {
            byId.remove(byId.keySet().iterator().next());
        }
        byId.put(id, resource);
        return resource;
    }

    synchronized ObjectNode get(String id) {
        ObjectNode found = byId.get(id);
        if (found == null) {
            throw ApiException.notFound(kind + "_not_found", kind + " '" + id + "' not found");
        }
        return found;
    }

    synchronized ObjectNode remove(String id) {
        ObjectNode gone = get(id);
        byId.remove(id);
        return gone;
    }

    synchronized List<ObjectNode> all() {
        return new ArrayList<>(byId.values());
    }

    /** OpenAI's cursor page: {@code object: list}, {@code data}, {@code first_id}, {@code last_id}, {@code has_more}. */
    static ObjectNode page(List<ObjectNode> items, String idField) {
        ObjectNode page = JsonNodeFactory.instance.objectNode().put("object", "list");
        page.putArray("data").addAll(items);
        page.put("first_id", items.isEmpty() ? null : items.getFirst().path(idField).asText());
        page.put("last_id", items.isEmpty() ? null : items.getLast().path(idField).asText());
        page.put("has_more", false);
        return page;
    }

    /** The answer to a delete: {@code {id, object: <object>, deleted: true}}. */
    static ObjectNode deleted(String id, String object) {
        return JsonNodeFactory.instance.objectNode().put("id", id).put("object", object).put("deleted", true);
    }
}
