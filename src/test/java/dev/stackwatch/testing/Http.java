package dev.stackwatch.testing;

import java.net.http.HttpResponse;
import java.util.Map;

/** {@link HttpCalls} bound to one server on 127.0.0.1, for tests that only talk to that server. */
public final class Http implements AutoCloseable {
    private final HttpCalls calls = new HttpCalls();
    private final String base;

    public Http(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    public HttpResponse<String> get(String path) {
        return calls.send(base + path, null);
    }

    public HttpResponse<String> post(String path, String json) {
        return calls.send(base + path, json);
    }

    public HttpResponse<String> post(String path, String json, Map<String, String> headers) {
        return calls.send(base + path, json, headers.entrySet().stream()
                .flatMap(h -> java.util.stream.Stream.of(h.getKey(), h.getValue())).toArray(String[]::new));
    }

    @Override
    public void close() {
        calls.close();
    }
}
