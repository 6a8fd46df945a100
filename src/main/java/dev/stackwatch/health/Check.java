package dev.stackwatch.health;

/**
 * One named check in a probe's answer; {@code reason} says why when it failed or warns and is absent when it passed.
 * A {@code warn} is a failure worth reporting that does not fail the probe (an optional provider that is down, an
 * unreachable quota store under fail_open).
 */
public record Check(String name, String status, String reason) {
    public static final String PASS = "pass";
    public static final String WARN = "warn";
    public static final String FAIL = "fail";

    public static Check pass(String name) {
        return new Check(name, PASS, null);
    }

    public static Check warn(String name, String reason) {
        return new Check(name, WARN, reason);
    }

    public static Check fail(String name, String reason) {
        return new Check(name, FAIL, reason);
    }

    public boolean passed() {
        return !FAIL.equals(status);
    }
}
