package dev.obol.domain.payment;

import dev.obol.domain.model.Validate;
import java.time.Duration;

/**
 * A catalogue rule: a token pack or a money top-up paid at or above {@code minPaidCents} adds a bonus grant
 * ({@code GRANT_SOURCE_PROMO}) of {@code percent} % of what the purchase granted (rounded down) or of a fixed
 * {@code fixedAmount} in the purchase's unit (tokens, or EUR cents). Granted once with the purchase, taken back in
 * proportion by a refund or dispute, as the purchase's own grant is.
 *
 * @param percent 1..1000, or 0 when {@code fixedAmount} is given
 * @param fixedAmount more than 0, or 0 when {@code percent} is given
 * @param validFor how long the bonus grant lives; null: it never expires
 */
public record BonusRule(
    String name, PaymentKind appliesTo, long minPaidCents, int percent, long fixedAmount, Duration validFor) {

  public static final int PERCENT_MAX = 1000;

  public BonusRule {
    Validate.id("bonus", name);
    if (appliesTo != PaymentKind.TOKEN_PACK && appliesTo != PaymentKind.TOP_UP) {
      throw new IllegalArgumentException("bonus " + name + ": applies to token packs or top-ups only");
    }
    if (minPaidCents <= 0) {
      throw new IllegalArgumentException("bonus " + name + ": the minimum amount must be positive");
    }
    if ((percent == 0) == (fixedAmount == 0) || percent < 0 || percent > PERCENT_MAX || fixedAmount < 0) {
      throw new IllegalArgumentException(
          "bonus " + name + ": give either a percentage (1.." + PERCENT_MAX + ") or a fixed amount (> 0)");
    }
    if (validFor != null && (validFor.isNegative() || validFor.isZero())) {
      throw new IllegalArgumentException("bonus " + name + ": the validity must be positive");
    }
  }

  public boolean appliesTo(PaymentKind kind, long paidCents) {
    return appliesTo == kind && paidCents >= minPaidCents;
  }

  /** The bonus for a purchase that granted {@code granted}; may be 0 (a small percentage of a small grant). */
  public long amountFor(long granted) {
    if (fixedAmount > 0) {
      return fixedAmount;
    }
    // granted * percent / 100 without overflow: granted = q * 100 + r.
    return Math.addExact(Math.multiplyExact(granted / 100, percent), (granted % 100) * percent / 100);
  }
}
