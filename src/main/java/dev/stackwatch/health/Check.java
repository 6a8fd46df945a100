package dev.stackwatch.health;

/** One named check in a probe's answer; {@code reason} says why when it failed and is absent when it passed. */
public record Check(String name, String status, String reason) {
    public static final String PASS = "pass";
    public static final String FAIL = "fail";

    public static Check pass(String name) {
        return new Check(name, PASS, null);
    }

    public static Check fail(String name, String reason) {
        return new Check(name, FAIL, reason);
    }

    public boolean passed() {
        return PASS.equals(status);
    }
}
