package dev.stackwatch.wire;

/** The OpenAI error shape: {@code {"error":{"message","type","code","param"?}}}. */
public record ErrorBody(Detail error) {
    public record Detail(String message, String type, String code, String param) {}

    public static ErrorBody of(String message, String type, String code, String param) {
        return new ErrorBody(new Detail(message, type, code, param));
    }

    /** The type OpenAI gives a plain refusal with this status, when nothing more specific applies. */
    public static String typeFor(int status) {
        return status >= 500 ? "server_error" : "invalid_request_error";
    }
}
