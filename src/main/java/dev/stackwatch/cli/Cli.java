package dev.stackwatch.cli;

import dev.stackwatch.config.ConfigException;
import dev.stackwatch.server.ListenerFailure;
import dev.stackwatch.telemetry.logging.LogSettings;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Sub-command dispatch and the exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad configuration
 * (a port that cannot be listened on included). */
public final class Cli {
    private static final String USAGE = """
            usage: java -jar stackwatch.jar [command] [options]
              serve      the inference server (default)
              simulate   the simulator alone, as an OpenAI-compatible upstream
              bench      load an OpenAI-compatible server and report latencies (optionally beside its /metrics)
              alert-sink a webhook receiver that prints every Alertmanager notification (scripts/local-stack.sh)
              train      the build's training run for the start-up cache (bin/aot-cache)
              help       this list
            run 'java -jar stackwatch.jar COMMAND --help' for a command's options""";

    private Cli() {
    }

    public static int run(String[] argv, Map<String, String> env) {
        // Helidon logs through java.util.logging; send it to SLF4J so every line has one format.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        if (argv.length == 1 && (argv[0].equals("--help") || argv[0].equals("-h"))) {
            // The top-level help lists every command; 'serve --help' lists the server's own options.
            System.out.println(USAGE);
            return 0;
        }
        boolean named = argv.length > 0 && !argv[0].startsWith("-");
        String command = named ? argv[0] : "serve";
        String[] rest = named ? Arrays.copyOfRange(argv, 1, argv.length) : argv;
        try {
            // logback reads LOG_LEVEL / LOG_FORMAT as the first logger is created: reject bad values before that.
            LogSettings.fromEnv(env);
            return switch (command) {
                case "serve" -> ServeCommand.run(rest, env);
                case "simulate" -> SimulateCommand.run(rest);
                case "bench" -> BenchCommand.run(rest);
                case "alert-sink" -> AlertSinkCommand.run(rest);
                case "train" -> TrainCommand.run(rest, env);
                case "help" -> {
                    System.out.println(USAGE);
                    yield 0;
                }
                default -> throw new Args.UsageException("unknown command '" + command + "'");
            };
        } catch (ConfigException e) {
            System.err.println("stackwatch: configuration error: " + e.getMessage());
            return 2;
        } catch (ListenerFailure e) {
            System.err.println("stackwatch: " + e.getMessage());
            return 2;
        } catch (Args.UsageException e) {
            System.err.println("stackwatch: " + e.getMessage() + "\n" + USAGE);
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (RuntimeException e) {
            System.err.println("stackwatch: cannot start: " + describe(e));
            return 1;
        }
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + root.getMessage() + ")";
    }
}
