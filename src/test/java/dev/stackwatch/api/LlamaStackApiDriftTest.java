package dev.stackwatch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.testing.ExternalTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The route table against the real llama-stack-client installed for the test suite (src/test/js): every route its
 * api.md lists must be in {@link LlamaStackApi#ROUTES}, so upgrading the client shows the routes Stackwatch would
 * count as {@code other}.
 */
class LlamaStackApiDriftTest {
    private static final Path API_MD = Path.of("src/test/js/node_modules/llama-stack-client/api.md");
    private static final Pattern ROUTE = Pattern.compile("title=\"(get|post|put|patch|delete) (/[^\"]+)\"");

    @Test
    void everyRouteOfTheClientIsInTheTable() throws IOException {
        if (!Files.isRegularFile(API_MD)) {
            ExternalTools.missing("npm", API_MD + " is missing (run: cd src/test/js && npm ci)");
        }
        Set<LlamaStackApi.Route> listed = new LinkedHashSet<>();
        Matcher m = ROUTE.matcher(Files.readString(API_MD));
        while (m.find()) {
            listed.add(new LlamaStackApi.Route(m.group(1).toUpperCase(Locale.ROOT), m.group(2)));
        }
        // 0.7.3 lists 92; far fewer means the format changed and this test would pass by reading nothing.
        assertTrue(listed.size() >= 90, "routes read from api.md: " + listed.size());
        List<LlamaStackApi.Route> missing = new ArrayList<>();
        for (LlamaStackApi.Route r : listed) {
            if (!LlamaStackApi.ROUTES.contains(r)) {
                missing.add(r);
            }
        }
        assertEquals(List.of(), missing, "routes of llama-stack-client's api.md missing from LlamaStackApi.ROUTES");
    }

    @Test
    void aConcretePathIsLabelledWithItsOwnTemplate() {
        for (LlamaStackApi.Route r : LlamaStackApi.ROUTES) {
            String concrete = r.template().replaceAll("\\{[^}]+}", "id-42");
            assertEquals(Optional.of(r.template()), LlamaStackApi.template(concrete), concrete);
        }
    }

    @Test
    void pathsOutsideTheApiMatchNoTemplate() {
        assertEquals(Optional.empty(), LlamaStackApi.template("/v1/vector_stores/vs_1/search/extra"));
        assertEquals(Optional.empty(), LlamaStackApi.template("/v1/no-such-family"));
        assertEquals(Optional.empty(), LlamaStackApi.template("/v1/files/"));
        assertTrue(LlamaStackApi.relayed("/v1alpha/eval/benchmarks"));
        assertTrue(LlamaStackApi.relayed("/v1beta/datasets"));
        assertTrue(!LlamaStackApi.relayed("/v2/files"));
    }
}
