package dev.stackwatch.cli;

import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * Turns SIGTERM (Kubernetes stopping the pod) and SIGINT (Ctrl-C) into a request to stop, which the server answers
 * with a graceful drain and exit code 0. A JVM shutdown hook cannot do that: after SIGTERM the JVM exits 143 once the
 * hooks finish, and only {@code Runtime.halt} could change that, cutting other libraries' hooks short.
 * {@code sun.misc.Signal} is in the exported {@code jdk.unsupported} module for exactly this; javac warns that it is
 * proprietary API.
 */
final class StopSignals {
    private StopSignals() {
    }

    /** Installs the handlers; the latch opens on the first signal. */
    static CountDownLatch install() {
        CountDownLatch stop = new CountDownLatch(1);
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> stop.countDown());
        }
        return stop;
    }
}
