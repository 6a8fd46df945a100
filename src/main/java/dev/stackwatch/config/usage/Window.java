package dev.stackwatch.config.usage;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The fixed, UTC-aligned periods quotas count in. Every replica derives the same window id from its clock, so they all
 * count into one Redis counter per key, quota and window; a counter simply expires some time after its window ended.
 */
public enum Window {
    MINUTE, DAY, MONTH;

    /** The window {@code now} falls in, as a number that grows by one from each window to the next. */
    public long id(Instant now) {
        return switch (this) {
            case MINUTE -> Math.floorDiv(now.getEpochSecond(), 60);
            case DAY -> Math.floorDiv(now.getEpochSecond(), 86_400);
            case MONTH -> {
                LocalDate date = LocalDate.ofInstant(now, ZoneOffset.UTC);
                yield date.getYear() * 12L + date.getMonthValue() - 1;
            }
        };
    }

    /** Time from {@code now} until the next window starts and the counter is back at zero. */
    public Duration untilReset(Instant now) {
        Instant end = switch (this) {
            case MINUTE -> Instant.ofEpochSecond((id(now) + 1) * 60);
            case DAY -> Instant.ofEpochSecond((id(now) + 1) * 86_400);
            case MONTH -> LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1).plusMonths(1)
                    .atStartOfDay().toInstant(ZoneOffset.UTC);
        };
        return Duration.between(now, end);
    }

    /** How long a counter is kept: its window plus a margin for late settlements of requests that began in it. */
    public Duration retention() {
        return switch (this) {
            case MINUTE -> Duration.ofMinutes(10);
            case DAY -> Duration.ofDays(2);
            case MONTH -> Duration.ofDays(33);
        };
    }
}
