package dev.stackwatch.telemetry.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.stackwatch.cli.Cli;
import dev.stackwatch.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogSettingsTest {
    @Test
    void defaultsAndValidValues() {
        assertEquals(LogSettings.DEFAULTS, LogSettings.fromEnv(Map.of()));
        assertEquals(new LogSettings("debug", "json", true),
                LogSettings.fromEnv(Map.of("LOG_LEVEL", "debug", "LOG_FORMAT", "json", "LOG_PROMPTS", "true")));
    }

    @Test
    void badValuesStopStartUpWithExitCodeTwo() {
        assertThrows(ConfigException.class, () -> LogSettings.fromEnv(Map.of("LOG_FORMAT", "xml")));
        assertThrows(ConfigException.class, () -> LogSettings.fromEnv(Map.of("LOG_PROMPTS", "yes")));
        assertEquals(2, Cli.run(new String[] {"help"}, Map.of("LOG_LEVEL", "verbose")));
    }
}
