package dev.stackwatch.lifecycle;

import java.time.Duration;

/** What a drain did: requests running when it began, how many the deadline cut short, those never ended, time taken. */
public record DrainResult(int inFlightAtStart, int cancelled, int abandoned, Duration took) {}
