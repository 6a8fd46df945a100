package dev.stackwatch.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.stackwatch.server.StackwatchServer;
import dev.stackwatch.testing.ExternalTools;
import dev.stackwatch.testing.HeadlessChromium;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console in a real headless Chromium against a real server under traffic: the charts fill and keep moving, the
 * tables name the configured providers and models, provider failures reach "last errors", the page fits a phone, and
 * the browser logs no errors. Screenshots land in target/ for CI to keep.
 */
class ConsoleInBrowserTest {
    private static final Duration FILL = Duration.ofSeconds(60);
    static final String TWO_PROVIDERS = """
            version: 2
            providers:
              inference:
              - provider_id: sim-fast
                provider_type: inline::simulator
                config: {ttft_ms: 30, inter_token_ms: 5, jitter: 0.1, min_tokens: 8, max_tokens: 12}
              - provider_id: sim-flaky
                provider_type: inline::simulator
                config: {ttft_ms: 60, inter_token_ms: 10, jitter: 0.1, min_tokens: 8, max_tokens: 12}
            registered_resources:
              models:
              - {model_id: chat-fast, provider_id: sim-fast, model_type: llm}
              - {model_id: chat-slow, provider_id: sim-flaky, model_type: llm}
              - {model_id: chat-broken, provider_id: sim-flaky, model_type: llm, metadata: {error_rate: 1.0}}
            """;

    @Test
    void consoleShowsLiveTrafficProvidersModelsAndErrors(@TempDir Path dir) throws Exception {
        Path chromium = ExternalTools.require("chromium");
        try (StackwatchServer server = TestServers.start(TWO_PROVIDERS);
             HeadlessChromium browser = HeadlessChromium.start(chromium, dir.resolve("profile"), 1280, 800)) {
            TrafficLoop traffic = new TrafficLoop(server.port(), 3, List.of("chat-fast", "chat-slow", "chat-fast",
                    "chat-broken"));
            try {
                watch(browser, server);
            } finally {
                traffic.close();
            }
        }
    }

    private static void watch(HeadlessChromium browser, StackwatchServer server) throws Exception {
        browser.navigate("http://127.0.0.1:" + server.managementPort() + "/console");

        Polling.await(FILL, "six points in the request-rate chart", () ->
                points(browser, "requests") >= 6);
        String before = sparkline(browser, "requests");
        Polling.await(FILL, "the request-rate chart to move", () -> !sparkline(browser, "requests").equals(before));

        assertTrue(number(browser, "requests") > 0, "requests/s shown: " + text(browser, "requests"));
        assertTrue(number(browser, "tokens") > 0, "tokens/s shown: " + text(browser, "tokens"));
        for (String quantiles : List.of("latency", "ttft", "itl")) {
            Polling.await(FILL, quantiles + " p50/p95/p99 with units", () ->
                    browser.evaluate("Array.from(document.querySelectorAll('.tile[data-metric=" + quantiles
                            + "] .q')).filter(q => / m?s$/.test(q.textContent)).length").asInt() == 3);
            assertTrue(points(browser, quantiles) > 0, quantiles + " chart drawn");
        }
        assertEquals("ready", browser.evaluate("document.getElementById('ready').textContent").asText());
        assertEquals("sim-fast healthy|sim-flaky healthy", rows(browser, "providers"));
        String models = rows(browser, "models");
        assertTrue(models.startsWith("chat-broken sim-flaky ready") && models.contains("chat-fast sim-fast ready")
                && models.contains("chat-slow sim-flaky ready"), models);
        Polling.await(FILL, "a provider failure among the last errors", () ->
                rows(browser, "errors").contains("provider chat-broken @ sim-flaky 500 provider_error"));
        assertTrue(rows(browser, "errors").contains("http POST /v1/chat/completions 500"), rows(browser, "errors"));
        Polling.await(FILL, "the error rate to show the 500s", () ->
                browser.evaluate("document.querySelector('.tile[data-metric=errors] .detail').textContent")
                        .asText().startsWith("500: "));

        browser.screenshot(Path.of("target", "console-screenshot.png"));

        browser.viewport(390, 844, true);
        Polling.await(FILL, "the page to fit a phone's width", () ->
                browser.evaluate("document.documentElement.scrollWidth").asInt() <= 390);
        browser.screenshot(Path.of("target", "console-phone.png"));
        assertTrue(Files.size(Path.of("target", "console-screenshot.png")) > 10_000);

        assertEquals(List.of(), browser.consoleErrors(), "the browser logged errors");
    }

    private static int points(HeadlessChromium browser, String metric) {
        return browser.evaluate("Number(document.querySelector('.tile[data-metric=" + metric
                + "] svg').dataset.points || 0)").asInt();
    }

    private static String sparkline(HeadlessChromium browser, String metric) {
        return browser.evaluate("document.querySelector('.tile[data-metric=" + metric + "] polyline')"
                + "?.getAttribute('points') || ''").asText();
    }

    private static String text(HeadlessChromium browser, String metric) {
        return browser.evaluate("document.querySelector('.tile[data-metric=" + metric + "] .value').textContent")
                .asText();
    }

    private static double number(HeadlessChromium browser, String metric) {
        return Double.parseDouble(text(browser, metric).replace(",", ""));
    }

    /** The table's body rows, cells joined by spaces and rows by "|". */
    private static String rows(HeadlessChromium browser, String table) {
        return browser.evaluate("Array.from(document.querySelectorAll('#" + table + " tbody tr'))"
                + ".map(r => Array.from(r.cells).map(c => c.textContent).join(' ')).join('|')").asText();
    }
}
