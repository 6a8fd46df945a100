package dev.stackwatch.api;

import dev.stackwatch.inference.Completion;
import dev.stackwatch.inference.FinishReason;
import dev.stackwatch.inference.Usage;

/** How one kind of generation (chat or text completion) looks on the wire, whole or as stream chunks. */
interface ResponseFormat {
    Object whole(Completion completion);

    Object delta(String text, boolean first);

    Object finish(FinishReason reason);

    Object usage(Usage usage);
}
