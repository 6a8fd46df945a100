package dev.stackwatch.health;

import java.util.List;

/**
 * A probe's answer: {@code {"status":"pass|warn|fail","checks":[...]}}. It fails when any check fails, warns when a
 * check warns, and only a failure turns the probe's answer into a 503.
 */
public record HealthReport(String status, List<Check> checks) {
    public static HealthReport of(List<Check> checks) {
        String status = checks.stream().anyMatch(c -> Check.FAIL.equals(c.status())) ? Check.FAIL
                : checks.stream().anyMatch(c -> Check.WARN.equals(c.status())) ? Check.WARN : Check.PASS;
        return new HealthReport(status, List.copyOf(checks));
    }

    public boolean passed() {
        return !Check.FAIL.equals(status);
    }
}
