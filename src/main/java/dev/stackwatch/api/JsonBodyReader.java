package dev.stackwatch.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stackwatch.deadline.Deadline;
import dev.stackwatch.deadline.DeadlineTimer;
import dev.stackwatch.exchange.Exchange;
import dev.stackwatch.exchange.LimitRefusal;
import dev.stackwatch.wire.ApiException;
import dev.stackwatch.wire.Json;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** Reads a request body as a JSON object, refusing wrong content types, oversized bodies and malformed JSON. */
public final class JsonBodyReader {
    private final ObjectMapper json;
    private final long maxBytes;
    private final Duration readTimeout;
    private final int maxDepth;
    private final DeadlineTimer deadlines;

    /**
     * The whole body must arrive within {@code readTimeout}, so a client trickling bytes cannot hold a connection;
     * JSON nested deeper than {@code maxDepth} is refused while parsing, before any tree is built.
     */
    public JsonBodyReader(long maxBytes, Duration readTimeout, int maxDepth, DeadlineTimer deadlines) {
        this.json = Json.newMapper(maxDepth);
        this.maxBytes = maxBytes;
        this.readTimeout = readTimeout;
        this.maxDepth = maxDepth;
        this.deadlines = deadlines;
    }

    /**
     * Reads, then tells the request's {@link Exchange} that the body is read, which runs the admission step a filter
     * may have given it: work is admitted only once its whole body is here.
     */
    public ObjectNode read(ServerRequest req) {
        checkContentType(req);
        req.headers().contentLength().ifPresent(length -> {
            if (length > maxBytes) {
                throw tooLarge(req);
            }
        });
        ObjectNode body = parse(readLimited(req));
        Exchange.of(req).bodyRead();
        return body;
    }

    private ApiException tooLarge(ServerRequest req) {
        Exchange.of(req).refused(LimitRefusal.BODY_SIZE);
        return ApiException.tooLarge(maxBytes);
    }

    /** The JSON half of {@link #read}, without HTTP: also the seam the fuzz tests call. */
    public ObjectNode parse(byte[] body) {
        if (body.length == 0) {
            throw ApiException.badRequest("empty_body", "request body is empty; expected a JSON object");
        }
        JsonNode tree;
        try {
            tree = json.readTree(body);
        } catch (CharConversionException e) {
            // Jackson guesses UTF-16/32 from zero bytes and fails on what follows; JSON on the wire is UTF-8 anyway.
            throw ApiException.badRequest("invalid_json", "request body is not UTF-8 JSON text");
        } catch (StreamConstraintsException e) {
            throw ApiException.badRequest("invalid_json", "request body is nested too deeply (limit "
                    + maxDepth + " levels)");
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw ApiException.badRequest("invalid_json", "malformed JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!(tree instanceof ObjectNode object)) {
            throw ApiException.badRequest("invalid_json", "request body must be a JSON object");
        }
        return object;
    }

    /**
     * JSON, or no content type, or form-urlencoded: {@code curl -d} sends the latter by default, and refusing the
     * most common way people try an API first would help nobody. Anything else is 415.
     */
    private static void checkContentType(ServerRequest req) {
        if (!req.headers().contains(HeaderNames.CONTENT_TYPE)) {
            return;
        }
        String type = req.headers().get(HeaderNames.CONTENT_TYPE).get().toLowerCase(Locale.ROOT);
        String mediaType = type.split(";", 2)[0].trim();
        boolean json = mediaType.equals("application/json") || mediaType.endsWith("+json");
        if (!json && !mediaType.equals("application/x-www-form-urlencoded")) {
            throw new ApiException(415, "invalid_request_error", "unsupported_media_type",
                    "Content-Type must be application/json", null, Map.of());
        }
    }

    private byte[] readLimited(ServerRequest req) {
        Deadline deadline = deadlines.arm(readTimeout);
        try (deadline; InputStream in = req.content().inputStream()) {
            // A declared length (read has refused one over the limit) is read into one array of that size. Asked
            // for up to the limit, readNBytes starts with a 16 KB buffer whatever the body's size: a quarter of all
            // the bytes a relayed request allocated.
            long declared = req.headers().contentLength().orElse(-1L);
            long wanted = declared >= 0 ? declared : Math.min(Integer.MAX_VALUE - 8, maxBytes + 1);
            byte[] data = in.readNBytes((int) wanted);
            if (data.length > maxBytes) {
                throw tooLarge(req);
            }
            return data;
        } catch (IOException | RuntimeException e) {
            if (deadline.fired()) {
                Exchange.of(req).refused(LimitRefusal.BODY_TIMEOUT);
                throw new BodyTimeoutException(e);
            }
            if (e instanceof ApiException refusal) {
                throw refusal;
            }
            throw ClientBodyFailure.of(e);
        }
    }

}
