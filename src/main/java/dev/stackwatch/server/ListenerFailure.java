package dev.stackwatch.server;

import dev.stackwatch.config.ServerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * A listener could not be opened (port taken, address not local, no permission): start-up stops with this, as with a
 * configuration error (exit code 2, one line naming the port and its setting).
 */
public final class ListenerFailure extends RuntimeException {
    private ListenerFailure(String message) {
        super(message, null, false, false);
    }

    /**
     * Helidon reports the cause only in its log and stops every listener when one fails, so the culprit is found by
     * trying each configured port once more; a port of 0 (any free port) cannot be the problem.
     */
    static ListenerFailure describe(ServerConfig server, boolean separateManagement) {
        List<String> failed = failures(server, separateManagement);
        return new ListenerFailure(failed.isEmpty()
                ? "the listeners on " + server.host() + " did not start; the log above has Helidon's reason"
                : String.join("; ", failed));
    }

    /**
     * Tries the ports before Helidon does: Helidon logs a bind failure as an ERROR with stack traces from every
     * listener, where one line naming the port and its setting says all there is to say.
     */
    static void checkFree(ServerConfig server, boolean separateManagement) {
        List<String> failed = failures(server, separateManagement);
        if (!failed.isEmpty()) {
            throw new ListenerFailure(String.join("; ", failed));
        }
    }

    private static List<String> failures(ServerConfig server, boolean separateManagement) {
        List<String> failed = new ArrayList<>();
        check(server.host(), server.port(), "API port (server.port / LLS_PORT)", failed);
        if (separateManagement) {
            check(server.host(), server.managementPort(), "management port (server.management_port / MANAGEMENT_PORT)",
                    failed);
        }
        return failed;
    }

    private static void check(String host, int port, String what, List<String> failed) {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            failed.add("cannot listen on " + host + ":" + port + ", the " + what + ": " + e.getMessage());
        }
    }
}
