package dev.stackwatch.telemetry.logging;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process that logs INFO lines through the shipped set-up and ends at once, by returning from main or by
 * System.exit: for {@link BatchingConsoleAppenderTest}, which checks that none of the lines is lost at exit.
 */
public final class LinesAtExit {
    private LinesAtExit() {
    }

    public static void main(String[] args) {
        Logger logger = LoggerFactory.getLogger("lines-at-exit");
        int lines = Integer.parseInt(args[0]);
        for (int i = 0; i < lines; i++) {
            logger.info("line {}", i);
        }
        if (args.length > 1 && args[1].equals("exit")) {
            System.exit(3);
        }
    }
}
