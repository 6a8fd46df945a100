package dev.stackwatch.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import java.util.Map;

/**
 * Coverage-guided fuzzing of run.yaml loading: YAML parsing, env substitution, validation of every block including
 * server security. A bad file may only fail with {@link ConfigException} (one line naming file and field). In CI this
 * replays {@code src/test/resources/dev/stackwatch/config/ConfigLoaderFuzzTestInputs}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class ConfigLoaderFuzzTest {
    private final ConfigLoader loader = new ConfigLoader(Map.of("PORT", "9000", "TOKEN", "0123456789abcdef0123"),
            warning -> {});

    @FuzzTest(maxDuration = "5m")
    void parse(@NotNull String yaml) {
        try {
            loader.parse(yaml, "fuzz.yaml");
        } catch (ConfigException refused) {
            // the expected answer to most inputs
        }
    }
}
