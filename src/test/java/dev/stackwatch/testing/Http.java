package dev.stackwatch.testing;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.stream.Stream;

/** {@link HttpCalls} bound to one server on 127.0.0.1, for tests that only talk to that server. */
public final class Http implements AutoCloseable {
    private final HttpCalls calls = new HttpCalls();
    private final String base;

    public Http(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** The {@code Authorization} header for {@code token}; none for null. */
    public static Map<String, String> bearer(String token) {
        return token == null ? Map.of() : Map.of("Authorization", "Bearer " + token);
    }

    public HttpResponse<String> get(String path) {
        return calls.send(base + path, null);
    }

    public HttpResponse<String> get(String path, Map<String, String> headers) {
        return calls.send(base + path, null, pairs(headers));
    }

    public HttpResponse<String> post(String path, String json) {
        return calls.send(base + path, json);
    }

    public HttpResponse<String> post(String path, String json, Map<String, String> headers) {
        return calls.send(base + path, json, pairs(headers));
    }

    /** A request to {@code path}, with the timeout every call has, for what get and post cannot say. */
    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(HttpCalls.TIMEOUT);
    }

    public <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
        return calls.send(request.build(), body);
    }

    private static String[] pairs(Map<String, String> headers) {
        return headers.entrySet().stream().flatMap(h -> Stream.of(h.getKey(), h.getValue())).toArray(String[]::new);
    }

    @Override
    public void close() {
        calls.close();
    }
}
