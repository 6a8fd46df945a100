package dev.stackwatch.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Hides secrets in configuration before it is shown anywhere (/v1/providers, logs, error messages). */
public final class Redaction {
    public static final String MASK = "********";
    /** Whole words at the end of a key: {@code api_key}, {@code api_token}, {@code token} but not {@code inter_token_ms}. */
    private static final Pattern SECRET_KEY = Pattern.compile(
            "(.*[_-])?(api_?key|key|api_?token|token|secret|client_secret|password|passwd|credentials?|authorization)");

    private Redaction() {
    }

    public static boolean isSecretKey(String key) {
        return SECRET_KEY.matcher(key.toLowerCase(Locale.ROOT)).matches();
    }

    public static JsonNode redact(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!node.isObject()) {
            return node;
        }
        ObjectNode copy = JsonNodeFactory.instance.objectNode();
        for (var it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            if (isSecretKey(field.getKey()) && !value.isContainerNode() && !value.isNull()
                    && !value.asText().isEmpty()) {
                copy.put(field.getKey(), MASK);
            } else {
                copy.set(field.getKey(), redact(value));
            }
        }
        return copy;
    }
}
