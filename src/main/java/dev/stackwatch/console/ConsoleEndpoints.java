package dev.stackwatch.console;

import dev.stackwatch.api.JsonResponses;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The live console on the management port: a self-contained page (HTML, CSS and JS from the classpath, nothing from
 * the network) and the JSON it polls, {@code /console/data}.
 */
public final class ConsoleEndpoints {
    public static final String PATH = "/console";
    private static final Map<String, String> ASSETS = Map.of(
            "index.html", "text/html; charset=utf-8",
            "console.css", "text/css; charset=utf-8",
            "console.js", "text/javascript; charset=utf-8");

    /**
     * The page's own policy: scripts, styles and data from this origin only, nothing inline, no framing. Set by the
     * handler, so it replaces a stricter blanket policy meant for JSON answers that would stop the page from running.
     */
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final ConsoleSampler sampler;
    private final JsonResponses responses;

    public ConsoleEndpoints(ConsoleSampler sampler, JsonResponses responses) {
        this.sampler = sampler;
        this.responses = responses;
    }

    public void register(HttpRouting.Builder routing) {
        routing.get(PATH, (req, res) -> asset(res, "index.html"));
        routing.get(PATH + "/", (req, res) -> asset(res, "index.html"));
        routing.get(PATH + "/data", (req, res) -> {
            res.header(HeaderNames.CACHE_CONTROL, "no-store");
            responses.send(res, sampler.view());
        });
        ASSETS.keySet().forEach(name -> routing.get(PATH + "/" + name, (req, res) -> asset(res, name)));
    }

    private static void asset(ServerResponse res, String name) {
        try (InputStream in = ConsoleEndpoints.class.getResourceAsStream("/console/" + name)) {
            if (in == null) {
                res.status(Status.NOT_FOUND_404).send();
                return;
            }
            res.header(HeaderNames.CONTENT_TYPE, ASSETS.get(name));
            res.header("Content-Security-Policy", POLICY);
            res.header("X-Content-Type-Options", "nosniff");
            res.send(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("reading console asset " + name, e);
        }
    }
}
