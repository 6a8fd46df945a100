package dev.stackwatch.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LlamaStack's run.yaml substitution: {@code ${env.VAR}} (required), {@code ${env.VAR:=default}} (default when unset or
 * empty) and {@code ${env.VAR:+value}} (value only when set and non-empty). Applied to every string scalar of the tree.
 */
final class EnvSubstitution {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{env\\.([A-Za-z_][A-Za-z0-9_]*)(?:(:=|:\\+)([^}]*))?}");

    private final Map<String, String> env;
    private final String source;

    EnvSubstitution(Map<String, String> env, String source) {
        this.env = env;
        this.source = source;
    }

    JsonNode apply(JsonNode node, String path) {
        if (node.isTextual()) {
            return JsonNodeFactory.instance.textNode(substitute(node.asText(), path));
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                copy.set(field.getKey(), apply(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey()));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            for (int i = 0; i < node.size(); i++) {
                copy.add(apply(node.get(i), path + "[" + i + "]"));
            }
            return copy;
        }
        return node;
    }

    String substitute(String text, String path) {
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String operator = m.group(2);
            String argument = m.group(3);
            String value = env.get(name);
            boolean set = value != null && !value.isEmpty();
            String replacement;
            if (operator == null) {
                if (value == null) {
                    throw new ConfigException(source, path,
                            "environment variable " + name + " is not set (use ${env." + name + ":=default} for a default)");
                }
                replacement = value;
            } else if (operator.equals(":=")) {
                replacement = set ? value : argument;
            } else {
                replacement = set ? argument : "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
