package dev.obol.domain.usecase;

import dev.obol.domain.model.Asset;
import dev.obol.domain.payment.AutoRecharge;
import java.time.Instant;

/**
 * An account's auto-recharge as GetAutoRecharge and SetAutoRecharge answer it.
 *
 * @param configured false: never set (every other field is empty)
 * @param amountCents what a recharge charges (the pack's price, or the top-up)
 * @param grantAmount what a recharge credits (the pack's tokens, or the top-up's cents)
 * @param pendingSequence 0: no recharge pending
 * @param retryAfter null: no back-off
 * @param disabledReason why Obol turned it off (null: it did not)
 */
public record AutoRechargeView(
    boolean configured,
    Asset asset,
    long threshold,
    String pack,
    long amountCents,
    long grantAmount,
    int monthlyLimit,
    boolean enabled,
    boolean paymentMethodSaved,
    int rechargesThisMonth,
    long pendingSequence,
    int failuresInRow,
    Instant retryAfter,
    String disabledReason) {

  public static AutoRechargeView none(boolean paymentMethodSaved) {
    return new AutoRechargeView(false, null, 0, null, 0, 0, 0, false, paymentMethodSaved, 0, 0, 0, null, null);
  }

  public static AutoRechargeView of(AutoRecharge r, boolean paymentMethodSaved, Instant now) {
    return new AutoRechargeView(
        true,
        r.asset(),
        r.threshold(),
        r.pack(),
        r.priceCents(),
        r.grantAmount(),
        r.monthlyLimit(),
        r.enabled(),
        paymentMethodSaved,
        r.countIn(now),
        r.pendingSequence(),
        r.failuresInRow(),
        r.retryAfter(),
        r.disabledReason());
  }
}
