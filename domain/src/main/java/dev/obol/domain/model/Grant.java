package dev.obol.domain.model;

import java.time.Instant;
import java.util.Comparator;

/**
 * One bucket of credit in a wallet. {@code remaining} only changes through ledger entries written by {@link Wallet}.
 *
 * @param expiresAt null: never expires
 */
public record Grant(
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
  }

  /** An expired grant is never spent, even before the sweeper has written its EXPIRY entry. */
  public boolean isLiveAt(Instant now) {
    return expiresAt == null || expiresAt.isAfter(now);
  }

  Grant withRemaining(long newRemaining) {
    return new Grant(
        grantId, accountId, asset, source, amount, newRemaining, priority, expiresAt, reference, reason, createdAt);
  }
}
