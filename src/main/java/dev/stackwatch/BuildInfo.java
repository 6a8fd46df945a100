package dev.stackwatch;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** What was built: the version Maven stamped into the jar. */
public record BuildInfo(String version) {
    public static BuildInfo load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/stackwatch-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // fall through to "unknown": the version is informative, never a reason not to start
        }
        return new BuildInfo(p.getProperty("version", "unknown"));
    }
}
