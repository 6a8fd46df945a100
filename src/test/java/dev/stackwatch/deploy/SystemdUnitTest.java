package dev.stackwatch.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.testing.ExternalTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/systemd/stackwatch.service, which the runbooks' {@code systemctl status stackwatch} relies on, checked by
 * {@code systemd-analyze verify}: it exits 0 and warns about nothing (a misspelt value is only a warning to it).
 */
class SystemdUnitTest {
    private static final Path UNIT = Repo.DEPLOY.resolve("systemd/stackwatch.service");

    private static Repo.Result verify(Path unit) {
        Path analyze = ExternalTools.require("systemd-analyze");
        return Repo.run(unit.getParent(), 60, Map.of("SYSTEMD_LOG_COLOR", "0"),
                List.of(analyze.toString(), "verify", unit.toString()));
    }

    @Test
    void theShippedUnitVerifiesCleanly() {
        Repo.Result r = verify(UNIT);
        assertEquals(0, r.exitCode(), r.output());
        assertEquals("", r.output().strip(), "systemd-analyze has nothing to say about a correct unit");
    }

    @Test
    void theCheckCatchesAMistake(@TempDir Path tmp) throws IOException {
        Path broken = tmp.resolve("stackwatch.service");
        Files.writeString(broken, Files.readString(UNIT).replace("Type=simple", "Type=simpel"));
        Repo.Result r = verify(broken);
        assertTrue(r.exitCode() != 0 || !r.output().isBlank(), "a bad value is reported");
        assertTrue(r.output().contains("simpel"), r.output());
        assertNotEquals("", r.output().strip());
    }

    @Test
    void theRunbookCommandNamesThisUnit() throws IOException {
        assertTrue(Files.readString(Repo.RUNBOOKS_DIR.resolve("LlamaStackDown.md")).contains("systemctl status stackwatch"));
        assertTrue(Files.readString(UNIT).contains("ExecStart="));
    }
}
