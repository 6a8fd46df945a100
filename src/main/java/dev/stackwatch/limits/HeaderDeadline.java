package dev.stackwatch.limits;

import dev.stackwatch.deadline.Deadline;
import dev.stackwatch.deadline.DeadlineTimer;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.time.Duration;
import java.util.Optional;

/**
 * Gives a client {@code timeout} from its request line to the end of its headers (slowloris sends headers a byte at a
 * time). Helidon calls these hooks on the connection's own thread, so the pending deadline is kept per thread. A
 * request cut off this way reaches no handler: {@link EdgeSecurity#reportHeaderTimeout} counts it when the
 * connection ends.
 */
public final class HeaderDeadline implements Http1ConnectionListener {
    private final Duration timeout;
    private final DeadlineTimer deadlines;
    private final ThreadLocal<Pending> pending = new ThreadLocal<>();

    /** The armed deadline and the method of the request whose headers it times. */
    private record Pending(Deadline deadline, String method) {}

    public HeaderDeadline(Duration timeout, DeadlineTimer deadlines) {
        this.timeout = timeout;
        this.deadlines = deadlines;
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        disarm();
        pending.set(new Pending(deadlines.arm(timeout), prologue.method().text()));
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        disarm();
    }

    /**
     * On a connection's thread once it ends: the method of the request whose headers did not arrive in time (the
     * read was cut off and the socket closed), if that is how it ended.
     */
    public Optional<String> expiredOnThisThread() {
        Pending p = pending.get();
        pending.remove();
        return p != null && p.deadline().fired() ? Optional.of(p.method()) : Optional.empty();
    }

    private void disarm() {
        Pending p = pending.get();
        if (p != null) {
            p.deadline().close();
            pending.remove();
        }
    }
}
