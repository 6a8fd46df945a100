package dev.stackwatch.provider.llamastack;

import static dev.stackwatch.testing.ApiAssertions.assertErrorShape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stackwatch.testing.ClientThatLeaves;
import dev.stackwatch.testing.Polling;
import dev.stackwatch.testing.RunningServer;
import dev.stackwatch.testing.Scrape;
import dev.stackwatch.testing.SimulatorUpstream;
import dev.stackwatch.testing.TestServers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The relay to an upstream LlamaStack (the simulator acting as a distribution): uploads and downloads stream through
 * unchanged and bounded by max_upload_bytes, and relayed faults on non-inference routes (refused, 5xx, a stall in
 * the middle of a download) are answered and counted like inference faults.
 */
class LlamaStackRelayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static String front(int upstreamPort, String extra) {
        return TestServers.inFrontOfDistribution(upstreamPort, "load_timeout_ms: 500, " + extra);
    }

    @Test
    void uploadsAndDownloadsStreamThroughUnchangedWithinTheirOwnLimit() throws Exception {
        try (SimulatorUpstream upstream = SimulatorUpstream.start("{distribution: true}");
             RunningServer server = RunningServer.start(front(upstream.port(), "max_upload_bytes: 4000000"))) {
            byte[] content = new byte[3_000_000];
            new Random(7).nextBytes(content);
            // The JSON body limit (1 MiB by default) does not apply to an upload: it has its own.
            HttpResponse<String> uploaded = upload(server, content);
            assertEquals(200, uploaded.statusCode(), uploaded.body());
            String id = JSON.readTree(uploaded.body()).path("id").asText();
            assertEquals(content.length, JSON.readTree(uploaded.body()).path("bytes").asInt(), "upstream got it all");

            HttpResponse<byte[]> viaStackwatch = server.api().send(server.api().request("/v1/files/" + id + "/content"),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, viaStackwatch.statusCode());
            assertArrayEquals(content, viaStackwatch.body(), "the download arrives byte for byte");
            assertEquals("application/octet-stream", viaStackwatch.headers().firstValue("Content-Type").orElseThrow());

            assertErrorShape(upload(server, new byte[4_100_000]), 413, "request_too_large");
            Scrape scrape = server.scrape();
            assertEquals(1.0, scrape.sum("llamastack_requests_total",
                    Map.of("method", "POST", "endpoint", "/v1/files", "status", "413")));
            assertEquals(1.0, scrape.sum("llamastack_requests_total",
                    Map.of("method", "GET", "endpoint", "/v1/files/{file_id}/content", "status", "200")));
        }
    }

    @Test
    void relayedFaultsOnNonInferenceRoutesAreAnsweredAndCountedLikeInferenceFaults() throws Exception {
        try (SimulatorUpstream upstream = SimulatorUpstream.start("{distribution: true}");
             RunningServer server = RunningServer.start(front(upstream.port(), "idle_timeout_ms: 300"))) {
            // 5xx: the upstream's status and error body reach the client as they were.
            HttpResponse<String> failed = server.api().get("/v1/files", Map.of("X-Simulator-Fault", "http-503"));
            assertEquals(503, failed.statusCode());
            assertTrue(failed.body().contains("simulated HTTP 503"), failed.body());

            // A stall in the middle of a download: the idle timeout cuts it, and the client never sees a clean end.
            byte[] content = new byte[200_000];
            new Random(3).nextBytes(content);
            String id = JSON.readTree(upload(server, content).body()).path("id").asText();
            boolean complete;
            try {
                HttpResponse<byte[]> cut = server.api().send(server.api().request("/v1/files/" + id + "/content")
                        .header("X-Simulator-Fault", "stall-mid-stream")
                        .header("X-Simulator-Fault-Delay-Ms", "3000"), HttpResponse.BodyHandlers.ofByteArray());
                complete = cut.body().length == content.length;
            } catch (UncheckedIOException cutOff) {
                complete = false;
            }
            assertTrue(!complete, "a stalled download must not look complete");

            Scrape scrape = Polling.awaitValue(Duration.ofSeconds(10), "the stalled download counted", () -> {
                Scrape s = server.scrape();
                return s.sum("llamastack_provider_errors_total", Map.of("provider", "stack", "kind", "timeout")) >= 1
                        ? s : null;
            });
            assertEquals(1.0, scrape.sum("llamastack_requests_total",
                    Map.of("method", "GET", "endpoint", "/v1/files", "status", "503")));
            assertEquals(1.0, scrape.sum("llamastack_provider_errors_total",
                    Map.of("provider", "stack", "kind", "unavailable")), "the relayed 503");
            assertEquals(1.0, scrape.sum("llamastack_provider_errors_total",
                    Map.of("provider", "stack", "kind", "timeout")), "the stall");
            assertEquals(1.0, scrape.sum("llamastack_requests_total",
                    Map.of("method", "GET", "endpoint", "/v1/files/{file_id}/content", "status", "200")),
                    "the stalled download had begun with 200");
        }
    }

    @Test
    void aRefusedUpstreamIsABadGatewayCountedAsAProviderError() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        try (RunningServer server = RunningServer.start(front(closed, "max_retries: 0"))) {
            HttpResponse<String> refused = server.api().get("/v1/vector_stores?limit=2");
            // The same answer a chat call gets from a refused upstream (its message names the connector's exception).
            assertEquals(502, refused.statusCode(), refused.body());
            assertEquals("bad_upstream_response", JSON.readTree(refused.body()).path("error").path("code").asText());
            assertTrue(JSON.readTree(refused.body()).path("error").path("message").asText().contains("cannot connect"));
            Scrape scrape = server.scrape();
            assertEquals(1.0, scrape.sum("llamastack_requests_total",
                    Map.of("method", "GET", "endpoint", "/v1/vector_stores", "status", "502")));
            assertEquals(1.0, scrape.sum("llamastack_provider_errors_total",
                    Map.of("provider", "stack", "kind", "bad_gateway")));
        }
    }

    @Test
    void aClientThatLeavesMidBodyIsCountedAsGoneNotAsAnUpstreamFault() throws Exception {
        try (SimulatorUpstream upstream = SimulatorUpstream.start("{distribution: true}");
             RunningServer server = RunningServer.start(front(upstream.port(), "max_upload_bytes: 4000000"))) {
            // An upload streams to the upstream as it arrives; a Responses request is read whole first.
            leaveMidBody(server, "/v1/files", "multipart/form-data; boundary=b", 1_000_000, 100_000);
            leaveMidBody(server, "/v1/responses", "application/json", 1_000, 100);
            Scrape scrape = Polling.awaitValue(Duration.ofSeconds(10), "both requests counted", () -> {
                Scrape s = server.scrape();
                return s.sum("llamastack_requests_total", Map.of("method", "POST")) >= 2 ? s : null;
            });
            for (String endpoint : List.of("/v1/files", "/v1/responses")) {
                assertEquals(1.0, scrape.sum("llamastack_requests_total", Map.of("method", "POST",
                        "endpoint", endpoint, "status", "499")), endpoint + ": the client left");
            }
            assertEquals(0.0, scrape.sum("llamastack_provider_errors_total", Map.of("provider", "stack")),
                    "the upstream did nothing wrong");
        }
    }

    @Test
    void anUpstreamThatAnswersBeforeTheUploadEndsHasItsAnswerRelayed() throws Exception {
        try (SimulatorUpstream upstream = SimulatorUpstream.start("{distribution: true}");
             RunningServer server = RunningServer.start(front(upstream.port(), "max_upload_bytes: 8000000"))) {
            // The upstream refuses the upload from its head alone, as one with a smaller limit or other credentials
            // does, before it reads the body: the client gets that answer and the upstream is not blamed. (An
            // upstream that also closes early is UpstreamReadsTest's case.)
            HttpResponse<String> refused = upload(server, new byte[5_000_000], Map.of("X-Simulator-Fault", "http-400"));
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("simulated HTTP 400"), refused.body());
            Scrape scrape = server.scrape();
            assertEquals(1.0, scrape.sum("llamastack_requests_total",
                    Map.of("method", "POST", "endpoint", "/v1/files", "status", "400")));
            assertEquals(0.0, scrape.sum("llamastack_provider_errors_total", Map.of("provider", "stack")),
                    "the upstream answered");
        }
    }

    /** Sends the head and {@code sent} of the {@code declared} bytes of a body, then leaves while it is served. */
    private static void leaveMidBody(RunningServer server, String path, String contentType, int declared, int sent)
            throws IOException {
        ClientThatLeaves.leaveWhile(server.port(), "POST " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Length: " + declared + "\r\nContent-Type: " + contentType + "\r\n\r\n" + "\0".repeat(sent),
                () -> server.scrape().sum("llamastack_requests_in_flight") >= 1);
    }

    private static HttpResponse<String> upload(RunningServer server, byte[] content) throws Exception {
        return upload(server, content, Map.of());
    }

    private static HttpResponse<String> upload(RunningServer server, byte[] content, Map<String, String> headers)
            throws Exception {
        String boundary = "sw" + Long.toHexString(new Random().nextLong());
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nassistants\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"blob.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(content);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder request = server.api().request("/v1/files");
        headers.forEach(request::header);
        return server.api().send(request
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())), HttpResponse.BodyHandlers.ofString());
    }
}
