package dev.stackwatch.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;

/** The one JSON configuration of the wire: snake_case records, absent nulls, bounded nesting, no duplicate keys. */
public final class Json {
    /** Deeper JSON than this is refused before it is built into a tree (request bodies: server.limits.max_json_depth). */
    public static final int DEFAULT_MAX_NESTING_DEPTH = 64;

    private Json() {
    }

    public static ObjectMapper newMapper() {
        return newMapper(DEFAULT_MAX_NESTING_DEPTH);
    }

    public static ObjectMapper newMapper(int maxNestingDepth) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxNestingDepth).build())
                // A proxy that reads the first "model" and a server that reads the last disagree about the request.
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                // Jackson's default keeps its read and write buffers (about 20 KB) in a thread local: with a virtual
                // thread per request, every open stream would hold a set, and every request would allocate a new
                // one. A pool shared by the mapper's users lends them out for one read or write at a time.
                .recyclerPool(JsonRecyclerPools.newConcurrentDequePool())
                .build();
        ObjectMapper mapper = new ObjectMapper(factory);
        mapper.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        mapper.setSerializationInclusion(JsonInclude.Include.NON_NULL);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        return mapper;
    }
}
