package dev.stackwatch.api;

/** The OpenAI error shape: {@code {"error":{"message","type","code","param"?}}}. */
public record ErrorBody(Detail error) {
    public record Detail(String message, String type, String code, String param) {}

    public static ErrorBody of(String message, String type, String code, String param) {
        return new ErrorBody(new Detail(message, type, code, param));
    }
}
