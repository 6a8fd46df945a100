package dev.stackwatch.security;

import static dev.stackwatch.testing.ApiAssertions.assertErrorShape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.stackwatch.testing.RunningServer;
import dev.stackwatch.testing.TestServers;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

/** API keys on the real server: the OpenAI client gets in with a key, nobody gets in without one, probes stay open. */
class AuthTest {
    private static final String CI_TOKEN = "ci-token-0123456789abcdef";
    private static final String BOT_TOKEN = "bot-token-0123456789abcdef";
    @RegisterExtension
    static final RunningServer server = new RunningServer(TestServers.FAST_SIMULATOR + """
            server:
              auth:
                api_keys:
                - {name: ci, token: %s}
                - {name: bot, token: %s}
            """.formatted(CI_TOKEN, BOT_TOKEN));

    @Test
    void openAiClientWithAKeyIsServedAndWithAWrongKeyGets401() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("sim-chat").addUserMessage("hi")
                .build();
        ChatCompletion completion = client(BOT_TOKEN).chat().completions().create(params);
        assertFalse(completion.choices().isEmpty());
        Executable wrongKey = () -> client("not-a-key-0123456789abcdef").chat().completions().create(params);
        assertThrows(UnauthorizedException.class, wrongKey);
    }

    @Test
    void missingAndWrongTokensGetTheSame401WithABearerChallenge() throws Exception {
        HttpResponse<String> missing = get("/v1/models", null);
        HttpResponse<String> wrong = get("/v1/models", "wrong-token-0123456789abcdef");
        HttpResponse<String> notBearer = send(request("/v1/models").header("Authorization", "Basic " + CI_TOKEN));
        for (HttpResponse<String> res : new HttpResponse[] {missing, wrong, notBearer}) {
            JsonNode error = assertErrorShape(res, 401, "invalid_api_key");
            assertEquals("Bearer realm=\"stackwatch\"", res.headers().firstValue("WWW-Authenticate").orElseThrow());
            assertFalse(error.path("message").asText().contains("ci"), "no key names leak: " + res.body());
        }
        assertEquals(missing.body(), wrong.body(), "a wrong token is told nothing a missing one is not");
    }

    @Test
    void everyApiRouteButHealthNeedsAKey() throws Exception {
        for (String path : new String[] {"/v1/models", "/v1/providers", "/v1/version", "/v1/inspect/routes",
                "/v1/openai/v1/models", "/v1/nothing-here"}) {
            assertEquals(401, get(path, null).statusCode(), path);
            assertEquals(path.equals("/v1/nothing-here") ? 404 : 200, get(path, CI_TOKEN).statusCode(), path);
        }
        assertEquals(200, get("/v1/health", null).statusCode(), "the operator's startup probe stays open");
        assertEquals(401, send(request("/v1/chat/completions").POST(HttpRequest.BodyPublishers.ofString("{}")))
                .statusCode(), "auth is checked before the body is read");
        HttpResponse<String> health = server.management().get("/health");
        assertEquals(200, health.statusCode(), "management probes need no API key");
    }

    @Test
    void schemeIsCaseInsensitive() throws Exception {
        assertEquals(200, send(request("/v1/models").header("Authorization", "bearer " + CI_TOKEN)).statusCode());
    }

    private static OpenAIClient client(String token) {
        return OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + server.port() + "/v1").apiKey(token)
                .maxRetries(0).build();
    }

    private static HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = request(path);
        return send(token == null ? b : b.header("Authorization", "Bearer " + token));
    }

    private static HttpRequest.Builder request(String path) {
        return server.api().request(path);
    }

    private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return server.api().send(b, HttpResponse.BodyHandlers.ofString());
    }
}
