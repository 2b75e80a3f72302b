package dev.obol.domain.usecase;

/**
 * What the monthly charge did to one account; stored as the first answer of that account's part of a run, so a retry
 * of the run reports the same. A plain record (not a sealed hierarchy) because it is stored as JSON.
 *
 * @param feeCents the fee of the period (0 for {@link Kind#NO_FEE} and {@link Kind#ALREADY_CHARGED})
 * @param balance the EUR balance after, in cents (named {@code balance}, not {@code balanceCents}, because it is
 *     stored as JSON by that name: a rename would make the stored first answers of earlier runs read as 0)
 */
public record ChargeOutcome(Kind kind, long feeCents, long balance) {

  public enum Kind {
    /** The fee was debited. */
    CHARGED,
    /** The balance could not pay it: owed, account INSUFFICIENT_FUNDS. */
    FAILED,
    /** This period was charged before (by an earlier or concurrent run). */
    ALREADY_CHARGED,
    /** No seats (any more): nothing to charge. */
    NO_FEE
  }

  public static ChargeOutcome charged(long feeCents, long balanceCents) {
    return new ChargeOutcome(Kind.CHARGED, feeCents, balanceCents);
  }

  public static ChargeOutcome failed(long feeCents, long balanceCents) {
    return new ChargeOutcome(Kind.FAILED, feeCents, balanceCents);
  }

  public static ChargeOutcome alreadyCharged(long balanceCents) {
    return new ChargeOutcome(Kind.ALREADY_CHARGED, 0, balanceCents);
  }

  public static ChargeOutcome noFee(long balanceCents) {
    return new ChargeOutcome(Kind.NO_FEE, 0, balanceCents);
  }
}
