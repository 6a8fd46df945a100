package dev.stackwatch.security;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import dev.stackwatch.io.Deadline;
import dev.stackwatch.io.DeadlineTimer;
import java.time.Duration;

/**
 * Gives a client {@code timeout} from its request line to the end of its headers (slowloris sends headers a byte at a
 * time). Helidon calls these hooks on the connection's own thread, so the pending deadline is kept per thread.
 */
final class HeaderDeadline implements Http1ConnectionListener {
    private final Duration timeout;
    private final DeadlineTimer deadlines;
    private final ThreadLocal<Deadline> pending = new ThreadLocal<>();

    HeaderDeadline(Duration timeout, DeadlineTimer deadlines) {
        this.timeout = timeout;
        this.deadlines = deadlines;
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        disarm();
        pending.set(deadlines.arm(timeout));
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        disarm();
    }

    private void disarm() {
        Deadline deadline = pending.get();
        if (deadline != null) {
            deadline.close();
            pending.remove();
        }
    }
}
