package dev.stackwatch.bench;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * The floor for the proxy-overhead benchmark ({@code scripts/proxy-overhead.sh}): the same server and client
 * libraries Stackwatch relays with (Helidon SE on virtual threads, Apache HttpClient 5 on the request's thread) and
 * nothing else: one route that copies the request body to the upstream and its answer back as it arrives (streamed
 * answers included), with no telemetry, validation, limits or logging. What it adds over calling the upstream directly is what this stack costs on the
 * machine, before Stackwatch does any work of its own.
 * Usage: {@code BareRelay PORT UPSTREAM_BASE_URL} (e.g. {@code http://127.0.0.1:8000}).
 */
public final class BareRelay {
    private BareRelay() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        String upstream = args[1];
        CloseableHttpClient client = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(1024).setMaxConnPerRoute(1024)
                        // As Stackwatch's reads on virtual threads: no socket timeout (HttpClient 5's default of
                        // 3 minutes makes every read a timed park, which signals the scheduler's delay thread twice).
                        .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true)
                                .setSoTimeout(Timeout.DISABLED).build())
                        .build())
                .build();
        WebServer.builder().host("127.0.0.1").port(port)
                // As Stackwatch does: without it, Nagle's algorithm holds streamed chunks back for delayed ACKs.
                .connectionOptions(o -> o.tcpNoDelay(true))
                .routing(routing -> routing.post("/v1/chat/completions", (req, res) -> {
                    HttpPost post = new HttpPost(upstream + "/v1/chat/completions");
                    post.setEntity(new ByteArrayEntity(req.content().as(byte[].class), ContentType.APPLICATION_JSON));
                    try {
                        client.execute(post, response -> {
                            String type = response.getEntity().getContentType();
                            res.header(HeaderNames.CONTENT_TYPE, type);
                            if (!type.startsWith("text/event-stream")) {
                                res.send(response.getEntity().getContent().readAllBytes());
                                return null;
                            }
                            try (InputStream in = response.getEntity().getContent();
                                 OutputStream out = res.outputStream()) {
                                byte[] buffer = new byte[8192];
                                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                                    out.write(buffer, 0, n);
                                    out.flush();
                                }
                            }
                            return null;
                        });
                    } catch (IOException e) {
                        if (!res.isSent()) {
                            res.status(502).send(e.toString());
                        }
                    }
                }))
                .build()
                .start();
        Thread.currentThread().join();
    }
}
