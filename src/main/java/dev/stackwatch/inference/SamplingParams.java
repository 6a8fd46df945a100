package dev.stackwatch.inference;

import java.util.List;

/** Generation parameters; null means "not given by the client". */
public record SamplingParams(Integer maxTokens, Double temperature, Double topP, List<String> stop, Long seed) {
    public static final SamplingParams DEFAULTS = new SamplingParams(null, null, null, List.of(), null);
}
