package dev.stackwatch.wire;

import java.util.Map;

/** A request the API refuses, with everything needed for the OpenAI error shape. */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final Map<String, String> headers;

    public ApiException(int status, String type, String code, String message, String param, Map<String, String> headers) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.headers = Map.copyOf(headers);
    }

    public static ApiException invalid(String field, String problem) {
        return new ApiException(400, "invalid_request_error", "invalid_value", "'" + field + "': " + problem, field, Map.of());
    }

    public static ApiException badRequest(String code, String message) {
        return new ApiException(400, "invalid_request_error", code, message, null, Map.of());
    }

    public static ApiException tooLarge(long maxBytes) {
        return new ApiException(413, "invalid_request_error", "request_too_large",
                "request body exceeds the limit of " + maxBytes + " bytes", null, Map.of());
    }

    /** A draining server refuses: the client should go to another replica, on a new connection. */
    public static ApiException draining(String message) {
        return new ApiException(503, "server_error", "server_draining", message, null, Map.of("Connection", "close"));
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, "permission_error", "forbidden", message, null, Map.of());
    }

    public static ApiException notFound(String code, String message) {
        return new ApiException(404, "not_found_error", code, message, null, Map.of());
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
