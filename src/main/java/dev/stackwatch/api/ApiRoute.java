package dev.stackwatch.api;

import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;

/**
 * One API route. {@code template} is the public form listed by /v1/inspect/routes and used as the metrics label;
 * {@code pattern} is Helidon's form of the same path. {@code inference} routes are served by providers.
 */
public record ApiRoute(Method method, String template, String pattern, boolean inference, Handler handler) {

    static ApiRoute get(String template, Handler handler) {
        return new ApiRoute(Method.GET, template, pattern(template), false, handler);
    }

    static ApiRoute inference(Method method, String template, Handler handler) {
        return new ApiRoute(method, template, pattern(template), true, handler);
    }

    /** Model ids may contain '/', so the last path parameter takes the rest of the path. */
    private static String pattern(String template) {
        return template.replace("{model_id}", "{+model_id}");
    }
}
