package dev.obol.domain.payment;

/**
 * The metadata convention of design.md: written on every Checkout Session Obol creates (and on the subscription and
 * payment intent), read back by the webhook after the signature has been verified.
 */
public final class CheckoutMetadata {

  public static final String KIND = "kind";
  public static final String ACCOUNT_ID = "account_id";
  public static final String PACK = "pack";
  public static final String TOKENS = "tokens";
  public static final String PLAN = "plan";
  public static final String MONTHLY_TOKENS = "monthly_tokens";
  /** Additions of ours (design.md is silent): the plan's billing interval and rollover cap at sale time. */
  public static final String INTERVAL = "interval";
  public static final String ROLLOVER_CAP = "rollover_cap";
  /** A top-up's amount in cents, for the record; the grant uses the session's {@code amount_total}. */
  public static final String AMOUNT = "amount";

  public static final String KIND_TOKEN_PACK = "token_pack";
  public static final String KIND_TOP_UP = "top_up";
  public static final String KIND_SUBSCRIPTION = "subscription";
  /** An off-session PaymentIntent Obol created for an auto-recharge (not a checkout). */
  public static final String KIND_AUTO_RECHARGE = "auto_recharge";
  /** An auto-recharge's sequence number, its asset (TOKEN or EUR) and, for EUR, its amount in cents. */
  public static final String SEQUENCE = "sequence";
  public static final String ASSET = "asset";

  private CheckoutMetadata() {}
}
