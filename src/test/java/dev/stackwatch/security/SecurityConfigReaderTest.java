package dev.stackwatch.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.config.ConfigException;
import dev.stackwatch.config.ConfigLoader;
import dev.stackwatch.config.RunConfig;
import dev.stackwatch.config.security.ApiKey;
import dev.stackwatch.config.security.LimitsConfig;
import dev.stackwatch.config.security.SecurityConfig;
import dev.stackwatch.testing.TestServers;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The server block's security settings: defaults, env-substituted tokens, and every way to leave the door open stops
 * start-up.
 */
class SecurityConfigReaderTest {

    private static SecurityConfig read(String serverBlock, Map<String, String> env) {
        String indented = serverBlock.lines().map(line -> "  " + line + "\n").reduce("", String::concat);
        RunConfig config = new ConfigLoader(env, w -> {}).parse(TestServers.FAST_SIMULATOR + "server:\n" + indented,
                "run.yaml");
        return config.server().security();
    }

    @Test
    void defaultsAreOpenApiWithSafeLimits() {
        SecurityConfig security = read("port: 8321", Map.of());
        assertFalse(security.auth().enabled());
        assertFalse(security.cors().enabled());
        assertTrue(security.tls().isEmpty());
        assertEquals(LimitsConfig.DEFAULT, security.limits());
    }

    @Test
    void tokensComeFromTheEnvironmentAndAreKeptOnlyHashed() {
        SecurityConfig security = read("""
                auth:
                  api_keys:
                  - name: ci
                    token: ${env.CI_TOKEN}
                management: {metrics_token: "${env.METRICS_TOKEN}"}
                limits: {requests_per_second: 2.5, max_messages: 10, read_timeout_ms: 1500}
                """, Map.of("CI_TOKEN", "secret-from-env-0123", "METRICS_TOKEN", "metrics-secret-0123"));
        ApiKey key = security.auth().apiKeys().getFirst();
        assertEquals("ci", key.name());
        assertTrue(key.token().matches("secret-from-env-0123"));
        assertFalse(key.token().matches("secret-from-env-0124"));
        assertFalse(security.toString().contains("secret-from-env"), security.toString());
        assertTrue(security.management().metricsToken().orElseThrow().matches("metrics-secret-0123"));
        assertEquals(3, security.limits().burst(), "the default burst is one second's worth, rounded up");
        assertEquals(10, security.limits().maxMessages());
        assertEquals(Duration.ofMillis(1500), security.limits().readTimeout());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "auth: {}|server.auth.api_keys: is required when server.auth is set",
            "auth: {provider_config: {type: oauth2_token}}|server.auth.provider_config: is not supported",
            "auth: {api_keys: [{name: a, token: '${env.MISSING}'}]}|server.auth.api_keys[0].token: environment variable MISSING is not set",
            "auth: {api_keys: [{name: a, token: short}]}|server.auth.api_keys[0].token: is too short",
            "auth: {api_keys: [{name: a, token: 0123456789abcdef}, {name: a, token: 0123456789abcdeX}]}|"
                    + "server.auth.api_keys[1].name: duplicate API key name 'a'",
            "auth: {api_keys: [{name: a, token: 0123456789abcdef}, {name: b, token: 0123456789abcdef}]}|"
                    + "server.auth.api_keys[1].token: is the same as another key's token",
            "tls_certfile: /etc/hosts|server.tls_keyfile: is required when the other TLS file is set",
            "tls_certfile: /nonexistent.pem\\ntls_keyfile: /nonexistent.key|server.tls_certfile: cannot read",
            "limits: {max_tokens: 0}|server.limits.max_tokens: 0 is out of range",
            "limits: {read_timeout_ms: 0}|server.limits.read_timeout_ms: 0 is out of range",
            "management: {admin_token: abc}|server.management.admin_token: is too short",
    })
    void unsafeSettingsStopStartUpNamingTheField(String block, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> read(block.replace("\\n", "\n"), Map.of()));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("0123456789abcdef"), "tokens never appear in errors: " + e.getMessage());
    }
}
