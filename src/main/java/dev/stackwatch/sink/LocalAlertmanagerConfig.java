package dev.stackwatch.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shipped Alertmanager configuration with every receiver pointed at a local sink: routes, grouping, inhibition
 * and templates stay as shipped, so the local stack shows the routing users will run; only the destinations (email,
 * paging, placeholder webhooks) become {@code SINK/<receiver name>}.
 */
public final class LocalAlertmanagerConfig {
    private LocalAlertmanagerConfig() {
    }

    public static void write(Path shipped, Path local, String sinkUrl) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        JsonNode root = yaml.readTree(shipped.toFile());
        if (!(root instanceof ObjectNode config)) {
            throw new IOException(shipped + ": not a YAML mapping");
        }
        config.remove("global");
        for (JsonNode receiver : config.path("receivers")) {
            if (receiver instanceof ObjectNode r) {
                List<String> destinations = new ArrayList<>();
                r.fieldNames().forEachRemaining(f -> {
                    if (f.endsWith("_configs")) {
                        destinations.add(f);
                    }
                });
                r.remove(destinations);
                ArrayNode webhooks = r.putArray("webhook_configs");
                webhooks.addObject().put("url", sinkUrl + "/" + r.path("name").asText()).put("send_resolved", true);
            }
        }
        // Template globs are relative to the working directory Alertmanager runs in; make them absolute.
        if (config.path("templates") instanceof ArrayNode templates) {
            Path dir = shipped.toAbsolutePath().getParent();
            for (int i = 0; i < templates.size(); i++) {
                templates.set(i, dir.resolve(templates.get(i).asText()).toString());
            }
        }
        Files.writeString(local, yaml.writeValueAsString(config));
    }
}
