package dev.obol.domain.service;

import dev.obol.domain.port.NotificationSender;
import dev.obol.domain.port.Outbox;
import dev.obol.domain.port.Outbox.PendingNotification;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Delivers the outbox to every configured endpoint, at least once: an event is marked delivered only after each
 * endpoint answered 2xx; a failure is retried with exponential backoff (10 s doubling up to 1 h) for up to
 * {@value #ATTEMPTS_MAX} attempts (about a day), then kept undelivered with its last error for an operator. Rows
 * persist, so a restart loses nothing; claims are leases, so several instances can run it at once.
 */
public final class NotificationRelay {

  public static final int BATCH_SIZE = 20;
  public static final int ATTEMPTS_MAX = 30;
  /**
   * Long enough for a batch against slow endpoints (each send times out after seconds); events a relay did not get to
   * before half the lease passed are left for the next claim rather than risk sending them while another instance
   * has re-claimed them.
   */
  static final Duration LEASE = Duration.ofMinutes(5);
  static final Duration BACKOFF_FIRST = Duration.ofSeconds(10);
  static final Duration BACKOFF_MAX = Duration.ofHours(1);

  private final Outbox outbox;
  private final NotificationSender sender;
  private final List<String> endpoints;
  private final Clock clock;
  private final Duration retention;

  /** Rows per purge statement: bounded so a purge never holds a long transaction. */
  static final int PURGE_BATCH_SIZE = 1000;

  /** Keeps delivered events for {@code DEFAULT_RETENTION}. */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);

  public NotificationRelay(Outbox outbox, NotificationSender sender, List<String> endpoints, Clock clock) {
    this(outbox, sender, endpoints, clock, DEFAULT_RETENTION);
  }

  /** @param retention how long a delivered event is kept (for operators' questions) before it is deleted */
  public NotificationRelay(
      Outbox outbox, NotificationSender sender, List<String> endpoints, Clock clock, Duration retention) {
    this.outbox = outbox;
    this.sender = sender;
    this.endpoints = List.copyOf(endpoints);
    this.clock = clock;
    this.retention = retention;
  }

  /**
   * Deletes events delivered longer ago than the retention, so the outbox holds what is pending plus a recent
   * history instead of growing forever. Undelivered events are kept whatever their age.
   *
   * @return how many were deleted
   */
  public int purgeDelivered() {
    Instant before = clock.instant().minus(retention);
    int purged = 0;
    int batch;
    do {
      batch = outbox.purgeDelivered(before, PURGE_BATCH_SIZE);
      purged += batch;
    } while (batch == PURGE_BATCH_SIZE);
    return purged;
  }

  public List<String> endpoints() {
    return endpoints;
  }

  /**
   * Sends what is due now. With no endpoint configured nothing is claimed: events wait in the outbox until one is.
   *
   * @return how many events were fully delivered
   */
  public int deliverDue() {
    if (endpoints.isEmpty()) {
      return 0;
    }
    int delivered = 0;
    List<PendingNotification> batch;
    do {
      Instant claimedAt = clock.instant();
      batch = outbox.claimDue(claimedAt, claimedAt.plus(LEASE), BATCH_SIZE);
      Instant stopAt = claimedAt.plus(LEASE.dividedBy(2));
      for (PendingNotification notification : batch) {
        if (clock.instant().isAfter(stopAt)) {
          return delivered; // the rest is retried when its lease ends
        }
        if (deliver(notification)) {
          delivered++;
        }
      }
    } while (batch.size() == BATCH_SIZE);
    return delivered;
  }

  private boolean deliver(PendingNotification notification) {
    Set<String> deliveredTo = new HashSet<>(notification.deliveredTo());
    String error = null;
    for (String endpoint : endpoints) {
      if (deliveredTo.contains(endpoint)) {
        continue;
      }
      String failure;
      try {
        failure = sender.send(endpoint, notification);
      } catch (RuntimeException e) {
        failure = e.getClass().getSimpleName() + ": " + e.getMessage();
      }
      if (failure == null) {
        deliveredTo.add(endpoint);
      } else {
        error = endpoint + ": " + failure;
      }
    }
    Instant now = clock.instant();
    if (deliveredTo.containsAll(endpoints)) {
      outbox.markDelivered(notification, deliveredTo, now);
      return true;
    }
    Instant next = notification.attempts() >= ATTEMPTS_MAX ? null : now.plus(backoff(notification.attempts()));
    outbox.retryLater(notification, deliveredTo, next, error);
    return false;
  }

  /** After the n-th failed attempt: 10 s, 20 s, 40 s, ... capped at an hour. */
  static Duration backoff(int attempts) {
    int doublings = Math.min(Math.max(attempts - 1, 0), 20);
    Duration delay = BACKOFF_FIRST.multipliedBy(1L << doublings);
    return delay.compareTo(BACKOFF_MAX) > 0 ? BACKOFF_MAX : delay;
  }
}
