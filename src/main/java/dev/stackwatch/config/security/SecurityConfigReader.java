package dev.stackwatch.config.security;

import dev.stackwatch.config.ConfigNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the security settings of the {@code server} block. Anything that would leave the server more open than the
 * operator asked for (an auth block without keys, a token that substituted to nothing, half a TLS pair) stops start-up.
 */
public final class SecurityConfigReader {
    /** The {@code server} keys read here, for the loader's unknown-key warning. */
    public static final Set<String> SERVER_KEYS = Set.of("auth", "tls_certfile", "tls_keyfile", "cors", "management",
            "limits");
    /** Shorter tokens are guessable; generate with {@code openssl rand -hex 32}. */
    static final int MIN_TOKEN_LENGTH = 16;
    private static final Set<String> AUTH_KEYS = Set.of("api_keys");
    private static final Set<String> API_KEY_KEYS = Set.of("name", "token");
    private static final Set<String> CORS_KEYS = Set.of("allowed_origins", "allowed_methods", "allowed_headers",
            "max_age_s");
    private static final Set<String> MANAGEMENT_KEYS = Set.of("metrics_token", "admin_token");
    private static final Set<String> LIMITS_KEYS = Set.of("max_header_bytes", "max_messages", "max_tokens",
            "requests_per_second", "burst", "max_concurrent_streams", "read_timeout_ms", "max_connections",
            "max_json_depth", "max_embedding_inputs", "max_embedding_input_chars");

    private SecurityConfigReader() {
    }

    public static SecurityConfig read(ConfigNode server) {
        return new SecurityConfig(auth(server.child("auth")), tls(server), cors(server.child("cors")),
                management(server.child("management")), limits(server.child("limits")));
    }

    private static AuthConfig auth(ConfigNode auth) {
        if (auth.isMissing()) {
            return AuthConfig.OFF;
        }
        if (auth.has("provider_config")) {
            // LlamaStack's OAuth/custom providers are not served; ignoring them would leave the API open.
            throw auth.child("provider_config").error("is not supported by Stackwatch; use server.auth.api_keys");
        }
        auth.warnUnknownKeys(AUTH_KEYS);
        List<ConfigNode> entries = auth.list("api_keys");
        if (entries.isEmpty()) {
            throw auth.child("api_keys").error("is required when server.auth is set (at least one {name, token})");
        }
        List<ApiKey> keys = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> tokens = new HashSet<>();
        for (ConfigNode entry : entries) {
            entry.warnUnknownKeys(API_KEY_KEYS);
            String name = entry.requiredText("name");
            if (!names.add(name)) {
                throw entry.child("name").error("duplicate API key name '" + name + "'");
            }
            String token = token(entry, "token").orElseThrow(() -> entry.child("token").error(
                    "is required (an empty ${env.*} substitution counts as missing)"));
            if (!tokens.add(token)) {
                throw entry.child("token").error("is the same as another key's token; each key needs its own");
            }
            keys.add(new ApiKey(name, HashedToken.of(token)));
        }
        return new AuthConfig(keys);
    }

    private static Optional<String> token(ConfigNode parent, String key) {
        Optional<String> token = parent.text(key);
        if (token.isPresent() && token.get().length() < MIN_TOKEN_LENGTH) {
            throw parent.child(key).error("is too short (at least " + MIN_TOKEN_LENGTH + " characters)");
        }
        return token;
    }

    private static Optional<TlsConfig> tls(ConfigNode server) {
        Optional<String> cert = server.text("tls_certfile");
        Optional<String> key = server.text("tls_keyfile");
        if (cert.isEmpty() && key.isEmpty()) {
            return Optional.empty();
        }
        if (cert.isEmpty() || key.isEmpty()) {
            String missing = cert.isEmpty() ? "tls_certfile" : "tls_keyfile";
            throw server.child(missing).error("is required when the other TLS file is set");
        }
        return Optional.of(new TlsConfig(readable(server, "tls_certfile", cert.get()),
                readable(server, "tls_keyfile", key.get())));
    }

    private static Path readable(ConfigNode server, String key, String file) {
        Path path = Path.of(file);
        if (!Files.isReadable(path)) {
            throw server.child(key).error("cannot read '" + file + "'");
        }
        return path;
    }

    private static CorsConfig cors(ConfigNode cors) {
        if (cors.isMissing()) {
            return CorsConfig.OFF;
        }
        cors.warnUnknownKeys(CORS_KEYS);
        List<String> methods = strings(cors, "allowed_methods").stream().map(m -> m.toUpperCase(Locale.ROOT)).toList();
        List<String> headers = strings(cors, "allowed_headers");
        return new CorsConfig(strings(cors, "allowed_origins"),
                methods.isEmpty() ? CorsConfig.DEFAULT_METHODS : methods,
                headers.isEmpty() ? CorsConfig.DEFAULT_HEADERS : headers,
                Duration.ofSeconds(cors.integer("max_age_s", (int) CorsConfig.OFF.maxAge().toSeconds(), 0, 86_400)));
    }

    private static List<String> strings(ConfigNode parent, String key) {
        List<String> values = new ArrayList<>();
        for (ConfigNode item : parent.list(key)) {
            if (item.isMissing() || !item.raw().isValueNode()) {
                throw item.error("must be a string");
            }
            values.add(item.raw().asText().trim());
        }
        return List.copyOf(values);
    }

    private static ManagementAccessConfig management(ConfigNode management) {
        management.warnUnknownKeys(MANAGEMENT_KEYS);
        return new ManagementAccessConfig(token(management, "metrics_token").map(HashedToken::of),
                token(management, "admin_token").map(HashedToken::of));
    }

    private static LimitsConfig limits(ConfigNode limits) {
        limits.warnUnknownKeys(LIMITS_KEYS);
        LimitsConfig d = LimitsConfig.DEFAULT;
        double rate = limits.number("requests_per_second", d.requestsPerSecond(), 0, 1_000_000);
        // A bucket must hold at least one request; by default a client may burst one second's worth.
        int burst = limits.integer("burst", (int) Math.max(1, Math.ceil(rate)), 1, 1_000_000);
        return new LimitsConfig(
                limits.integer("max_header_bytes", d.maxHeaderBytes(), 1024, 1024 * 1024),
                limits.integer("max_messages", d.maxMessages(), 1, 1_000_000),
                limits.integer("max_tokens", d.maxTokens(), 1, 100_000_000),
                rate,
                burst,
                limits.integer("max_concurrent_streams", d.maxConcurrentStreams(), 1, 1_000_000),
                // At least 100 ms: a zero timeout would cut off every request at once.
                Duration.ofMillis(limits.integer("read_timeout_ms", (int) d.readTimeout().toMillis(), 100,
                        (int) Duration.ofDays(1).toMillis())),
                limits.integer("max_connections", d.maxConnections(), 1, 1_000_000),
                limits.integer("max_json_depth", d.maxJsonDepth(), 2, 1_000),
                limits.integer("max_embedding_inputs", d.maxEmbeddingInputs(), 1, 1_000_000),
                limits.integer("max_embedding_input_chars", d.maxEmbeddingInputChars(), 1, Integer.MAX_VALUE));
    }
}
