package dev.stackwatch.exchange;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One API request as the edge sees it, in the spirit of OkHttp's {@code Call} with its {@code EventListener}: created
 * by the outermost filter ({@link #filter()}), found by everything else through {@link #of}, and told by the layers
 * inside what happened as events carrying values (the route matched, the key identified, a limit refused it, a quota
 * reserved, the request abandoned, the inference finished with its facts). The measuring filters read the facts after
 * {@code chain.proceed()} returns; nobody fills a holder of another component's. A provider call carries its request's
 * exchange, so observers report to it and read from it without a thread-bound context.
 *
 * <p>Each fact is recorded once: a second report of it is ignored, so what a filter reads is what the first reporter
 * saw. The route is the exception: the label filter reports the template its path matches and the route's handler
 * may refine it. Reports can come from another thread than the reads (a watcher), hence the volatile fields.
 */
public final class Exchange {
    /** The route label of a request that matched no route (unknown paths, refusals before routing): never its path. */
    public static final String UNMATCHED_ROUTE = "other";

    private final long arrivalNanos;
    private volatile String route;
    private volatile AuthOutcome auth;
    private volatile String keyName;
    private volatile String tenant;
    private volatile QuotaHold quota;
    private volatile LimitRefusal refusal;
    private volatile Integer abandoned;
    private volatile InferenceFacts inference;
    private volatile Runnable admitAfterBody;

    private Exchange(long arrivalNanos) {
        this.arrivalNanos = arrivalNanos;
    }

    /**
     * The outermost API filter: the request's exchange, with the arrival time that time to first token counts from
     * (a client's clock starts when the request leaves it, so reading the body, auth and queueing are part of it).
     */
    public static Filter filter() {
        return (FilterChain chain, RoutingRequest req, RoutingResponse res) -> {
            req.context().register(new Exchange(System.nanoTime()));
            chain.proceed();
        };
    }

    /**
     * The request's exchange. A request that did not pass {@link #filter()} (the management port's, a test's own
     * routing) gets one on first use, arriving then.
     */
    public static Exchange of(ServerRequest req) {
        Optional<Exchange> registered = req.context().get(Exchange.class);
        if (registered.isPresent()) {
            return registered.get();
        }
        Exchange late = new Exchange(System.nanoTime());
        req.context().register(late);
        return late;
    }

    /** The exchange of a provider call no client request made: its reports reach nobody. */
    public static Exchange detached() {
        return new Exchange(System.nanoTime());
    }

    /** When the request reached the server ({@link System#nanoTime()}). */
    public long arrivalNanos() {
        return arrivalNanos;
    }

    /** The route template the request matched ({@code /v1/models/{model_id}}), never its raw path. */
    public void routeMatched(String template) {
        route = template;
    }

    public synchronized void authDecided(AuthOutcome outcome) {
        if (auth == null) {
            auth = outcome;
        }
    }

    /** The configured name of the API key the request authenticated with, never the token. */
    public synchronized void keyIdentified(String name) {
        if (keyName == null) {
            keyName = name;
        }
    }

    /** The tenant label the request's usage is accounted under. */
    public synchronized void tenantNamed(String label) {
        if (tenant == null) {
            tenant = label;
        }
    }

    /** A quota set tokens aside for the request, to be settled when its inference ends. */
    public synchronized void quotaReserved(QuotaHold hold) {
        if (quota == null) {
            quota = hold;
        }
    }

    public synchronized void refused(LimitRefusal reason) {
        if (refusal == null) {
            refusal = reason;
        }
    }

    /** The server gave up on the request without a response: {@code status} is what it is counted and logged with. */
    public synchronized void abandoned(int status) {
        if (abandoned == null) {
            abandoned = status;
        }
    }

    public synchronized void inferenceFinished(InferenceFacts facts) {
        if (inference == null) {
            inference = facts;
        }
    }

    /**
     * A step to run once the request body has been read, before the work it asks for starts (the concurrency cap
     * takes its slot there, so a client that sends headers and stalls holds none). It may throw the refusal.
     */
    public synchronized void admitAfterBody(Runnable step) {
        if (admitAfterBody == null) {
            admitAfterBody = step;
        }
    }

    /** Runs the {@link #admitAfterBody} step, if a filter gave one: the body has been read. */
    public void bodyRead() {
        Runnable step = admitAfterBody;
        if (step != null) {
            step.run();
        }
    }

    public Optional<String> route() {
        return Optional.ofNullable(route);
    }

    /** The template, or {@link #UNMATCHED_ROUTE}: what metrics, access lines and the console label a request with. */
    public String routeLabel() {
        String template = route;
        return template == null ? UNMATCHED_ROUTE : template;
    }

    public Optional<AuthOutcome> auth() {
        return Optional.ofNullable(auth);
    }

    public Optional<String> keyName() {
        return Optional.ofNullable(keyName);
    }

    public Optional<String> tenant() {
        return Optional.ofNullable(tenant);
    }

    public Optional<QuotaHold> quota() {
        return Optional.ofNullable(quota);
    }

    public Optional<LimitRefusal> refusal() {
        return Optional.ofNullable(refusal);
    }

    public OptionalInt abandonedStatus() {
        Integer status = abandoned;
        return status == null ? OptionalInt.empty() : OptionalInt.of(status);
    }

    public Optional<InferenceFacts> inference() {
        return Optional.ofNullable(inference);
    }
}
