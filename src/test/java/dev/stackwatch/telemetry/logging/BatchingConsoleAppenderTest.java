package dev.stackwatch.telemetry.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import dev.stackwatch.testing.Polling;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The console appender's batches: every line out, in order, in few writes; failures and the last lines at once. */
class BatchingConsoleAppenderTest {
    private final LoggerContext context = new LoggerContext();
    private final CountingStream out = new CountingStream();
    private final BatchingConsoleAppender appender = new BatchingConsoleAppender(encoder(context), () -> out);
    private final Logger logger;

    BatchingConsoleAppenderTest() {
        appender.setContext(context);
        appender.start();
        logger = context.getLogger("batching-test");
        logger.addAppender(appender);
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void infoLinesComeOutInOrderInFewerWritesThanLines() {
        IntStream.range(0, 200).forEach(i -> logger.info("line {}", i));
        Polling.await(Duration.ofSeconds(10), "200 lines", () -> out.lines().size() == 200);
        assertEquals(IntStream.range(0, 200).mapToObj(i -> "INFO line " + i).toList(), out.lines());
        // Each line had a write of its own before; 200 lines logged in a loop fill one batch, or a few on a slow
        // machine, never 200.
        assertTrue(out.writes() < 100, "writes: " + out.writes());
    }

    @Test
    void aWarningIsWrittenAtOnceWithTheLinesBeforeIt() {
        logger.info("first");
        logger.debug("second");
        logger.warn("failure");
        // No waiting: the warning's own call wrote it, and the batch before it first.
        assertEquals(List.of("INFO first", "DEBUG second", "WARN failure"), out.lines());
        logger.error("worse");
        assertEquals("ERROR worse", out.lines().getLast());
    }

    @Test
    void stoppingWritesWhatIsPending() {
        logger.info("last words");
        appender.stop();
        assertEquals(List.of("INFO last words"), out.lines());
    }

    @Test
    void aBatchOverTheLimitIsWrittenByTheThreadThatFilledIt() {
        String big = "x".repeat(60_000);
        for (int i = 0; i < 5; i++) {
            logger.info(big);
        }
        // Four lines of 60,000 bytes stay under the 256 KiB limit, the fifth passes it: all written before its call
        // returned.
        assertEquals(5, out.lines().size());
    }

    @Test
    void theWriterSleepsWithoutATimeoutWhenThereIsNothingToWrite() {
        logger.info("one line");
        Polling.await(Duration.ofSeconds(10), "the line", () -> out.lines().size() == 1);
        // WAITING, not TIMED_WAITING: an idle server's log writer is not woken on a clock.
        Polling.await(Duration.ofSeconds(10), "the writer parked with no timeout",
                () -> appender.writerThread().getState() == Thread.State.WAITING);
    }

    /** Lines still in the batch when the JVM exits are written by the exit hook, whichever way main ends. */
    @ParameterizedTest
    @ValueSource(strings = {"return", "exit"})
    void linesLoggedJustBeforeExitAreAllWritten(String ending) throws Exception {
        Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(), "-cp",
                System.getProperty("java.class.path"), LinesAtExit.class.getName(), "500", ending)
                .redirectErrorStream(true).start();
        List<String> lines;
        try (var out = process.inputReader(StandardCharsets.UTF_8)) {
            lines = out.lines().filter(l -> l.contains("lines-at-exit")).toList();
        }
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(500, lines.size(), "lines written before the JVM ended: " + lines.size());
        assertTrue(lines.getLast().endsWith("line 499"), lines.getLast());
    }

    private static PatternLayoutEncoder encoder(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%level %msg%n");
        encoder.start();
        return encoder;
    }

    /** Keeps what is written and counts the writes. */
    private static final class CountingStream extends ByteArrayOutputStream {
        private int writes;

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            writes++;
            super.write(b, off, len);
        }

        synchronized int writes() {
            return writes;
        }

        synchronized List<String> lines() {
            return toString(StandardCharsets.UTF_8).lines().toList();
        }
    }
}
