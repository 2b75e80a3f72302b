package dev.obol.domain.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until a test moves it. Thread-safe; clocks made by {@link #withZone} share the instant, so
 * moving one moves them all.
 */
public final class MutableClock extends Clock {

  private final AtomicReference<Instant> instant;
  private final ZoneId zone;

  private MutableClock(AtomicReference<Instant> instant, ZoneId zone) {
    this.instant = instant;
    this.zone = zone;
  }

  /** A UTC clock standing at {@code start}. */
  public static MutableClock at(Instant start) {
    return new MutableClock(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
  }

  /** A UTC clock standing at {@code start}, e.g. {@code "2025-03-01T12:00:00Z"}. */
  public static MutableClock at(String start) {
    return at(Instant.parse(start));
  }

  public void set(Instant newInstant) {
    instant.set(Objects.requireNonNull(newInstant, "newInstant"));
  }

  /** Moves the clock by {@code step} (negative steps move it back) and returns the new instant. */
  public Instant advance(Duration step) {
    Objects.requireNonNull(step, "step");
    return instant.updateAndGet(current -> current.plus(step));
  }

  @Override
  public Instant instant() {
    return instant.get();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId newZone) {
    return new MutableClock(instant, Objects.requireNonNull(newZone, "newZone"));
  }

  @Override
  public String toString() {
    return "MutableClock[" + instant.get() + "," + zone + "]";
  }
}
