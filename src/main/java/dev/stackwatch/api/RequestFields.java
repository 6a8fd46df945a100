package dev.stackwatch.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stackwatch.wire.ApiException;
import java.util.Optional;

/** Typed reads of request fields; every failure is a 400 that names the field. */
final class RequestFields {
    private final ObjectNode body;

    RequestFields(ObjectNode body) {
        this.body = body;
    }

    /** The field's node, or empty when absent or JSON null. */
    Optional<JsonNode> node(String field) {
        JsonNode n = body.get(field);
        return n == null || n.isNull() ? Optional.empty() : Optional.of(n);
    }

    String requiredString(String field) {
        JsonNode n = node(field).orElseThrow(() -> ApiException.invalid(field, "is required"));
        if (!n.isTextual()) {
            throw ApiException.invalid(field, "must be a string");
        }
        if (n.asText().isBlank()) {
            throw ApiException.invalid(field, "must not be empty");
        }
        return n.asText();
    }

    Optional<Integer> positiveInt(String field, int max) {
        return node(field).map(n -> {
            if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                throw ApiException.invalid(field, "must be an integer between 1 and " + max);
            }
            int v = n.asInt();
            if (v < 1 || v > max) {
                throw ApiException.invalid(field, "must be an integer between 1 and " + max);
            }
            return v;
        });
    }

    Optional<Long> integer(String field) {
        return node(field).map(n -> {
            if (!n.isIntegralNumber() || !n.canConvertToLong()) {
                throw ApiException.invalid(field, "must be a 64-bit integer");
            }
            return n.asLong();
        });
    }

    Optional<Double> number(String field, double min, double max) {
        return node(field).map(n -> {
            if (!n.isNumber() || !(n.asDouble() >= min && n.asDouble() <= max)) {
                throw ApiException.invalid(field, "must be a number between " + min + " and " + max);
            }
            return n.asDouble();
        });
    }

    boolean bool(String field, boolean fallback) {
        return node(field).map(n -> {
            if (!n.isBoolean()) {
                throw ApiException.invalid(field, "must be true or false");
            }
            return n.asBoolean();
        }).orElse(fallback);
    }

    Optional<String> string(String field) {
        return node(field).map(n -> {
            if (!n.isTextual()) {
                throw ApiException.invalid(field, "must be a string");
            }
            return n.asText();
        });
    }
}
