package dev.obol.app.metrics;

import dev.obol.persistence.PostgresOutbox.Backlog;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code obol_outbox_pending} and {@code obol_outbox_oldest_pending_seconds}. A scrape never waits for the database
 * and never fails: it reads the last value; a value older than {@code refreshEvery} starts one background refresh
 * (at most one at a time). When the database cannot be read the last value stays (NaN before the first success),
 * so a database outage shows on the health endpoint, not as a broken scrape.
 */
public final class OutboxGauges implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxGauges.class);

  private final Supplier<Backlog> backlog;
  private final Clock clock;
  private final long refreshEveryNanos;
  private final ExecutorService refresher =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread thread = new Thread(r, "obol-outbox-gauges");
            thread.setDaemon(true);
            return thread;
          });
  private final AtomicBoolean refreshing = new AtomicBoolean();
  private volatile Backlog last;
  private volatile long lastAttemptNanos;
  private volatile boolean attempted;

  public OutboxGauges(MeterRegistry registry, Supplier<Backlog> backlog, Clock clock, Duration refreshEvery) {
    this.backlog = backlog;
    this.clock = clock;
    this.refreshEveryNanos = refreshEvery.toNanos();
    Gauge.builder("obol.outbox.pending", this, OutboxGauges::pending)
        .description("Notifications in the outbox not yet delivered (refreshed every few seconds)")
        .register(registry);
    Gauge.builder("obol.outbox.oldest.pending.seconds", this, OutboxGauges::oldestPendingSeconds)
        .description("Age of the oldest undelivered notification, 0 when none (refreshed every few seconds)")
        .register(registry);
  }

  double pending() {
    Backlog current = current();
    return current == null ? Double.NaN : current.pending();
  }

  double oldestPendingSeconds() {
    Backlog current = current();
    if (current == null) {
      return Double.NaN;
    }
    Instant oldest = current.oldestCreatedAt();
    return oldest == null ? 0 : Math.max(0, Duration.between(oldest, clock.instant()).toMillis() / 1000.0);
  }

  /** The last value read; starts a refresh in the background when it is stale. Never blocks, never throws. */
  private Backlog current() {
    long now = System.nanoTime();
    if ((!attempted || now - lastAttemptNanos >= refreshEveryNanos) && refreshing.compareAndSet(false, true)) {
      attempted = true;
      lastAttemptNanos = now;
      try {
        refresher.execute(this::refresh);
      } catch (RuntimeException e) {
        refreshing.set(false); // closed: keep the last value
      }
    }
    return last;
  }

  /** Blocking read, for the first value and for tests. */
  void refresh() {
    try {
      last = backlog.get();
    } catch (RuntimeException e) {
      LOG.debug("outbox gauges not refreshed (the last value stays): {}", e.toString());
    } finally {
      refreshing.set(false);
    }
  }

  @Override
  public void close() {
    refresher.shutdownNow();
  }
}
