package dev.obol.domain.port;

import dev.obol.domain.model.AccountId;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The notifications waiting for delivery. Claiming leases rows (their next attempt moves to the lease's end), so
 * several instances can deliver at once without sending one event twice in parallel, and a crash mid-delivery only
 * delays the event until the lease runs out.
 */
public interface Outbox {

  /** Up to {@code limit} events due at {@code now}, each leased until {@code leaseUntil}, its attempt counted. */
  List<PendingNotification> claimDue(Instant now, Instant leaseUntil, int limit);

  void markDelivered(PendingNotification notification, Set<String> deliveredTo, Instant at);

  /** @param nextAttemptAt null: give up (the row stays, undelivered, with its last error) */
  void retryLater(PendingNotification notification, Set<String> deliveredTo, Instant nextAttemptAt, String error);

  /**
   * Deletes up to {@code limit} events delivered before {@code deliveredBefore} (undelivered ones are never deleted).
   *
   * @return how many were deleted
   */
  int purgeDelivered(Instant deliveredBefore, int limit);

  /**
   * @param body the exact JSON that is signed and sent
   * @param attempts including the current one
   * @param deliveredTo endpoints that already answered 2xx (not sent again)
   */
  record PendingNotification(
      AccountId accountId, String eventId, String type, String body, int attempts, Set<String> deliveredTo) {

    public PendingNotification {
      deliveredTo = Set.copyOf(deliveredTo);
    }
  }
}
