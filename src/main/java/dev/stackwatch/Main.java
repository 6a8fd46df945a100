package dev.stackwatch;

import dev.stackwatch.cli.Cli;

public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code = Cli.run(args, System.getenv());
        if (code != 0) {
            System.exit(code);
        }
    }
}
