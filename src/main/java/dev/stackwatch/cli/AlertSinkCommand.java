package dev.stackwatch.cli;

import dev.stackwatch.sink.LocalAlertmanagerConfig;
import dev.stackwatch.sink.NotificationSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code stackwatch alert-sink}: prints every Alertmanager notification it receives, so a one-machine stack
 * (scripts/local-stack.sh) shows alerts arriving; optionally writes the shipped Alertmanager config re-pointed at it.
 */
final class AlertSinkCommand {
    static final String USAGE = """
            usage: java -jar stackwatch.jar alert-sink [options]
              --port N                    listen port (default 9095; 0 picks a free one)
              --host ADDR                 listen address (default 127.0.0.1)
              --alertmanager-config FILE  the Alertmanager config to re-point at this sink (needs --write)
              --write FILE                where to write it: same routes, every receiver a webhook to this sink
            GET / answers the notifications received so far as JSON.""";

    private AlertSinkCommand() {
    }

    static int run(String[] argv) throws InterruptedException {
        Args args = new Args(argv, Set.of("port", "host", "alertmanager-config", "write", "help"));
        if (args.has("help")) {
            System.out.println(USAGE);
            return 0;
        }
        if (args.has("alertmanager-config") != args.has("write")) {
            throw new Args.UsageException("--alertmanager-config and --write go together");
        }
        String host = args.get("host", "127.0.0.1");
        int port = args.number("port", 9095);
        CountDownLatch stop = StopSignals.install();
        try (NotificationSink sink = new NotificationSink(host, port, System.out)) {
            String url = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + sink.port();
            if (args.has("write")) {
                LocalAlertmanagerConfig.write(Path.of(args.get("alertmanager-config", "")),
                        Path.of(args.get("write", "")), url);
            }
            // Scripts read this line to learn the port when --port 0 was given.
            System.out.println("alert sink listening on " + url + "/");
            System.out.flush();
            stop.await();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return 0;
    }
}
