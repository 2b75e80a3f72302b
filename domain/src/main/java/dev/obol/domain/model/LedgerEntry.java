package dev.obol.domain.model;

import java.time.Instant;

/**
 * One append-only change of one grant. {@code amount} is signed (credits positive) and changes the grant's remaining
 * amount; {@code heldChange} changes the part of it that holds reserve (HOLD +, CAPTURE and RELEASE −, 0 for every
 * other kind). {@code balanceAfter} is the wallet's available balance right after this entry (remaining less held,
 * summed), so a balance can be explained entry by entry: it moves by {@code amount − heldChange}.
 *
 * @param operationId the debit, reversal, grant or hold this entry belongs to (a debit's entries share its debit id,
 *     a hold's HOLD and RELEASE entries its reservation id)
 */
public record LedgerEntry(
    AccountId accountId,
    Asset asset,
    String grantId,
    EntryKind kind,
    long amount,
    long balanceAfter,
    String feature,
    String reason,
    String requestId,
    String operationId,
    Instant createdAt,
    long heldChange) {

  /** An entry that changes no hold (every kind but HOLD, CAPTURE and RELEASE). */
  public LedgerEntry(
      AccountId accountId,
      Asset asset,
      String grantId,
      EntryKind kind,
      long amount,
      long balanceAfter,
      String feature,
      String reason,
      String requestId,
      String operationId,
      Instant createdAt) {
    this(
        accountId, asset, grantId, kind, amount, balanceAfter, feature, reason, requestId, operationId, createdAt, 0);
  }

  /** What the entry did to the available balance. */
  public long availableChange() {
    return amount - heldChange;
  }
}
