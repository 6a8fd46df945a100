package dev.stackwatch.inference;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** {@code dimensions} is null when the client did not ask for truncated vectors. */
public record EmbeddingRequest(Model model, List<String> inputs, Integer dimensions, ObjectNode body) {}
