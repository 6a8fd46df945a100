package dev.stackwatch.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.stackwatch.config.security.ApiKey;
import dev.stackwatch.config.security.SecurityConfigReader;
import dev.stackwatch.config.usage.UsageConfig;
import dev.stackwatch.config.usage.UsageConfigReader;
import dev.stackwatch.inference.ModelType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a LlamaStack {@code run.yaml} (or the built-in default), substitutes {@code ${env.*}} references, validates it
 * and applies the {@code LLS_PORT} / {@code MANAGEMENT_PORT} overrides the LlamaStack operator relies on, and
 * {@code LLS_HOST} for the listen address (so a one-machine install binds loopback without a run.yaml of its own).
 */
public final class ConfigLoader {
    public static final String BUILT_IN = "<built-in default config>";
    private static final String DEFAULT_RESOURCE = "/default-run.yaml";
    private static final Set<String> ROOT_KEYS = Set.of("version", "image_name", "distro_name", "apis", "providers",
            "registered_resources", "models", "server");
    private static final Set<String> PROVIDER_KEYS = Set.of("provider_id", "provider_type", "config", "module",
            "required");
    private static final Set<String> MODEL_KEYS = Set.of("model_id", "provider_id", "provider_model_id", "model_type",
            "metadata");
    private static final Set<String> SERVER_KEYS = union(Set.of("host", "port", "management_port",
            "max_request_body_bytes", "health", "drain_timeout_ms", "usage"), SecurityConfigReader.SERVER_KEYS);
    private static final Set<String> HEALTH_KEYS = Set.of("interval_ms", "timeout_ms");
    private static final long MAX_MILLIS = 3_600_000;

    private final Map<String, String> env;
    private final Consumer<String> warnings;
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

    public ConfigLoader(Map<String, String> env, Consumer<String> warnings) {
        this.env = env;
        this.warnings = warnings;
    }

    public RunConfig load(Path file) {
        String source = file.toString();
        byte[] bytes;
        try {
            // Opening a FIFO for reading blocks until a writer comes, so start-up would hang with no word of why.
            if (Files.exists(file) && !Files.isRegularFile(file)) {
                throw new ConfigException(source, "", "not a regular file (a directory, FIFO, socket or device); "
                        + "give the path of a YAML file");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(source, "", "file not found");
        } catch (IOException e) {
            throw new ConfigException(source, "", "cannot read file: " + e.getMessage());
        }
        return parse(utf8(bytes, source), source);
    }

    /** Decodes strictly: a file in another encoding is named with the offending byte, not "Input length = 1". */
    private static String utf8(byte[] bytes, String source) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            return decoder.decode(in).toString();
        } catch (CharacterCodingException e) {
            int at = in.position();
            int line = 1;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new ConfigException(source, "", "not valid UTF-8 text: byte 0x%02X at line %d (byte offset %d); "
                    .formatted(bytes[at] & 0xff, line, at) + "save the file as UTF-8");
        }
    }

    public RunConfig loadDefault() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + DEFAULT_RESOURCE);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), BUILT_IN);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEFAULT_RESOURCE, e);
        }
    }

    public RunConfig parse(String text, String source) {
        JsonNode tree;
        try {
            tree = yaml.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source, "", "invalid YAML" + yamlProblem(e));
        }
        return fromTree(tree, source);
    }

    /** Validates an already-parsed configuration tree (also used to build configuration from the command line). */
    public RunConfig fromTree(JsonNode tree, String source) {
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new ConfigException(source, "", "file is empty");
        }
        if (!tree.isObject()) {
            throw new ConfigException(source, "", "must be a YAML mapping at the top level");
        }
        ConfigNode root = new ConfigNode(source, "", new EnvSubstitution(env, source).apply(tree, ""), warnings);
        root.warnUnknownKeys(ROOT_KEYS);

        int version = root.integer("version", 2, 1, 99);
        String imageName = root.text("image_name", "stackwatch");
        List<ProviderConfig> providers = providers(root);
        List<ModelConfig> models = models(root, providers);
        ServerConfig server = server(root.child("server"));
        // Read after keys and models exist: quotas must name a key, prices a model.
        server = server.withUsage(UsageConfigReader.read(root.child("server").child("usage"),
                server.security().auth().apiKeys().stream().map(ApiKey::name).collect(Collectors.toSet()),
                models.stream().map(ModelConfig::modelId).collect(Collectors.toSet())));
        return new RunConfig(source, version, imageName, providers, models, applyEnv(server));
    }

    /** SnakeYAML's messages span several lines with source excerpts; the start-up error must be one line. */
    private static String yamlProblem(JsonProcessingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                var mark = marked.getProblemMark();
                return " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": "
                        + marked.getProblem();
            }
        }
        var location = e.getLocation();
        String where = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        return where + ": " + e.getOriginalMessage().replaceAll("\\s+", " ");
    }

    private List<ProviderConfig> providers(ConfigNode root) {
        ConfigNode all = root.child("providers");
        if (all.isMissing()) {
            throw all.error("is required (at least one inference provider)");
        }
        for (var it = all.raw().fieldNames(); it.hasNext(); ) {
            String api = it.next();
            if (!api.equals("inference")) {
                all.child(api).warn("the '" + api + "' API is not served by Stackwatch; ignored");
            }
        }
        List<ConfigNode> entries = all.list("inference");
        if (entries.isEmpty()) {
            throw all.child("inference").error("is required (at least one inference provider)");
        }
        List<ProviderConfig> providers = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (ConfigNode entry : entries) {
            entry.warnUnknownKeys(PROVIDER_KEYS);
            String id = entry.requiredText("provider_id");
            if (!ids.add(id)) {
                throw entry.child("provider_id").error("duplicate provider id '" + id + "'");
            }
            String type = entry.requiredText("provider_type");
            providers.add(new ProviderConfig(id, type, entry.bool("required", false), entry));
        }
        return List.copyOf(providers);
    }

    private List<ModelConfig> models(ConfigNode root, List<ProviderConfig> providers) {
        List<ConfigNode> entries = new ArrayList<>(root.child("registered_resources").list("models"));
        entries.addAll(root.list("models"));
        Map<String, ModelConfig> models = new LinkedHashMap<>();
        Set<String> providerIds = new HashSet<>();
        providers.forEach(p -> providerIds.add(p.providerId()));
        for (ConfigNode entry : entries) {
            entry.warnUnknownKeys(MODEL_KEYS);
            String id = entry.requiredText("model_id");
            if (models.containsKey(id)) {
                throw entry.child("model_id").error("duplicate model id '" + id + "'");
            }
            String providerId = entry.text("provider_id").orElseGet(() -> soleProvider(entry, providers));
            if (!providerIds.contains(providerId)) {
                throw entry.child("provider_id").error("no provider '" + providerId + "' (providers: "
                        + String.join(", ", providerIds.stream().sorted().toList()) + ")");
            }
            String typeText = entry.text("model_type", "llm").toLowerCase(Locale.ROOT);
            ModelType type = ModelType.parse(typeText)
                    .orElseThrow(() -> entry.child("model_type").error("'" + typeText + "' is not one of llm, embedding"));
            ConfigNode metadata = entry.child("metadata");
            if (!metadata.isMissing() && !metadata.raw().isObject()) {
                throw metadata.error("must be a mapping");
            }
            models.put(id, new ModelConfig(id, providerId, entry.text("provider_model_id", id), type, metadata));
        }
        return List.copyOf(models.values());
    }

    private static String soleProvider(ConfigNode entry, List<ProviderConfig> providers) {
        if (providers.size() == 1) {
            return providers.getFirst().providerId();
        }
        throw entry.child("provider_id").error("is required when more than one provider is configured");
    }

    private static ServerConfig server(ConfigNode server) {
        server.warnUnknownKeys(SERVER_KEYS);
        return new ServerConfig(
                server.text("host", "0.0.0.0"),
                server.integer("port", ServerConfig.DEFAULT_PORT, 0, 65535),
                server.integer("management_port", ServerConfig.DEFAULT_MANAGEMENT_PORT, 0, 65535),
                server.longValue("max_request_body_bytes", ServerConfig.DEFAULT_MAX_REQUEST_BODY_BYTES, 1024,
                        1024L * 1024 * 1024),
                health(server.child("health")),
                millis(server, "drain_timeout_ms", ServerConfig.DEFAULT_DRAIN_TIMEOUT, 0),
                SecurityConfigReader.read(server), UsageConfig.DEFAULT);
    }

    private static HealthCheckConfig health(ConfigNode health) {
        health.warnUnknownKeys(HEALTH_KEYS);
        return new HealthCheckConfig(
                millis(health, "interval_ms", HealthCheckConfig.DEFAULT_INTERVAL, 10),
                millis(health, "timeout_ms", HealthCheckConfig.DEFAULT_TIMEOUT, 10));
    }

    private static Duration millis(ConfigNode node, String key, Duration fallback, long min) {
        return Duration.ofMillis(node.longValue(key, fallback.toMillis(), min, MAX_MILLIS));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    private ServerConfig applyEnv(ServerConfig server) {
        int port = envPort("LLS_PORT", server.port());
        int management = envPort("MANAGEMENT_PORT", server.managementPort());
        return server.withHost(envHost(server.host())).withPorts(port, management);
    }

    private String envHost(String fallback) {
        String value = env.get("LLS_HOST");
        if (value == null || value.isBlank()) {
            return fallback;
        }
        String host = value.trim();
        if (host.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/')) {
            throw new ConfigException("environment", "LLS_HOST", "'" + value
                    + "' is not a host name or address (e.g. 127.0.0.1, ::1, 0.0.0.0)");
        }
        return host;
    }

    private int envPort(String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the variable's name
        }
        throw new ConfigException("environment", name, "'" + value + "' is not a valid port (0..65535)");
    }
}
