package dev.obol.persistence;

import dev.obol.domain.error.UnavailableException;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether the database is known to be unreachable right now, as the application's database watcher last found it
 * (a probe of its own, every second). While it is, every unit of work, read and repository call of this module is
 * answered {@link UnavailableException} ({@value DatabaseFailures#REASON}) at once, without asking the pool.
 *
 * <p>Why not let each call find out by itself: a call would wait for a connection up to the pool's connection timeout,
 * and while calls wait, Hikari keeps trying to connect with a backoff that grows to 5 s, so after the database comes
 * back the pool could need 5 s more to serve. Refused at once, nobody waits during the outage, the pool stops trying
 * (minimum-idle is 0), and the first call after the watcher saw the database again connects at once. A call made
 * between the database going away and the watcher noticing (about 2 s) finds out by itself, within the pool's
 * connection timeout.
 *
 * <p>Nothing here decides anything: without a watcher (the store tests) the database is always taken to be reachable.
 */
@Singleton
public final class DatabaseReachability {

  /** When the outage was noticed, and what the probe saw (one line, from {@link DatabaseFailures#summary}). */
  public record Outage(Instant since, String cause) {}

  private volatile Outage outage;

  /** Calls are refused from now on, until {@link #reachable()}. */
  public void unreachable(Instant since, String cause) {
    outage = new Outage(since, cause);
  }

  /** Calls go to the database again. */
  public void reachable() {
    outage = null;
  }

  public boolean isReachable() {
    return outage == null;
  }

  public Optional<Outage> outage() {
    return Optional.ofNullable(outage);
  }

  /** Throws {@link UnavailableException} for {@code what} if the database is known to be unreachable. */
  void check(String what) {
    Outage current = outage;
    if (current != null) {
      throw DatabaseFailures.unavailable(what, "unreachable since " + current.since() + ": " + current.cause());
    }
  }
}
