package dev.obol.domain.model;

import dev.obol.domain.model.Wallet.Allocation;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A hold: credit reserved for work whose cost is known only afterwards, then captured (debited) or released.
 *
 * @param feature the priced feature, or null for an asset and amount
 * @param amount what was held, in the asset's unit
 * @param allocations what was held of each grant, in burn order: a capture takes from exactly these
 * @param debitId the capture's debit, once captured
 * @param captured what the capture took from the hold (0 until captured)
 * @param closedAt when it was captured, released or expired; null while open
 */
public record Reservation(
    String reservationId,
    AccountId accountId,
    Asset asset,
    String feature,
    long amount,
    List<Allocation> allocations,
    Status status,
    Instant expiresAt,
    Map<String, String> metadata,
    String requestId,
    Instant createdAt,
    String debitId,
    long captured,
    Instant closedAt) {

  public enum Status {
    OPEN,
    CAPTURED,
    RELEASED,
    /** Released by the sweeper (or found so) after {@code expiresAt}. */
    EXPIRED
  }

  public Reservation {
    allocations = List.copyOf(allocations);
    metadata = Map.copyOf(metadata);
    long sum = 0;
    for (Allocation allocation : allocations) {
      sum = Math.addExact(sum, allocation.amount());
    }
    if (amount <= 0 || sum != amount) {
      throw new IllegalStateException("reservation " + reservationId + " holds " + amount + " but its grants " + sum);
    }
  }

  /** A hold can no longer be captured from {@code expiresAt} on, whether or not the sweeper has released it yet. */
  public boolean isExpiredAt(Instant now) {
    return !expiresAt.isAfter(now);
  }

  public Reservation closed(Status newStatus, String newDebitId, long newCaptured, Instant at) {
    if (status != Status.OPEN || newStatus == Status.OPEN) {
      throw new IllegalStateException("reservation " + reservationId + " is " + status + ", cannot become " + newStatus);
    }
    return new Reservation(
        reservationId, accountId, asset, feature, amount, allocations, newStatus, expiresAt, metadata, requestId,
        createdAt, newDebitId, newCaptured, at);
  }
}
