package dev.stackwatch.health;

import java.util.List;

/** A probe's answer: {@code {"status":"pass|fail","checks":[...]}}; it passes only when every check passes. */
public record HealthReport(String status, List<Check> checks) {
    public static HealthReport of(List<Check> checks) {
        return new HealthReport(checks.stream().allMatch(Check::passed) ? Check.PASS : Check.FAIL, List.copyOf(checks));
    }

    public boolean passed() {
        return Check.PASS.equals(status);
    }
}
