package dev.stackwatch.provider.http;

import java.util.List;

/** A provider that can ask its upstream which models it serves (for load checks, health and discovery). */
public interface ModelLister {
    /** The upstream's own model ids; throws {@link UpstreamFailure} when it cannot be asked. */
    List<String> listModels();
}
