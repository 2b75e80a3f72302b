package dev.obol.domain.model;

import java.time.Instant;
import java.util.Comparator;

/**
 * One bucket of credit in a wallet. {@code remaining} and {@code held} only change through ledger entries written by
 * {@link Wallet}.
 *
 * @param remaining what is left of the grant, held part included (the sum of its entries' amounts)
 * @param held the part of {@code remaining} reserved by open holds (the sum of its entries' held changes): not
 *     spendable by a debit, not taken by expiry, only captured or released by its hold
 * @param expiresAt null: never expires
 */
public record Grant(
    String grantId,
    AccountId accountId,
    Asset asset,
    GrantSource source,
    long amount,
    long remaining,
    long held,
    int priority,
    Instant expiresAt,
    String reference,
    String reason,
    Instant createdAt) {

  public static final int DEFAULT_PRIORITY = 100;
  public static final int QUOTA_PRIORITY = 10;

  /**
   * The burn order: lower priority number first (as Stripe's and OpenMeter's credit grants), then the earliest expiry
   * (no expiry last), then the oldest; the id breaks ties so the order is total and repeatable.
   */
  public static final Comparator<Grant> BURN_ORDER =
      Comparator.comparingInt(Grant::priority)
          .thenComparing(Grant::expiresAt, Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparing(Grant::createdAt)
          .thenComparing(Grant::grantId);

  public Grant {
    if (amount <= 0 || remaining < 0 || remaining > amount) {
      throw new IllegalStateException(
          "grant " + grantId + ": remaining " + remaining + " outside 0.." + amount);
    }
    if (held < 0 || held > remaining) {
      throw new IllegalStateException("grant " + grantId + ": held " + held + " outside 0.." + remaining);
    }
  }

  /** A grant nothing is held of (every grant but those under an open hold). */
  public Grant(
      String grantId,
      AccountId accountId,
      Asset asset,
      GrantSource source,
      long amount,
      long remaining,
      int priority,
      Instant expiresAt,
      String reference,
      String reason,
      Instant createdAt) {
    this(grantId, accountId, asset, source, amount, remaining, 0, priority, expiresAt, reference, reason, createdAt);
  }

  /** What a debit may take: the remaining amount less what holds reserved. */
  public long available() {
    return remaining - held;
  }

  /** An expired grant is never spent, even before the sweeper has written its EXPIRY entry. */
  public boolean isLiveAt(Instant now) {
    return expiresAt == null || expiresAt.isAfter(now);
  }

  Grant withRemaining(long newRemaining) {
    return with(newRemaining, held);
  }

  Grant with(long newRemaining, long newHeld) {
    return new Grant(
        grantId, accountId, asset, source, amount, newRemaining, newHeld, priority, expiresAt, reference, reason,
        createdAt);
  }
}
