package dev.obol.domain.payment;

import dev.obol.domain.payment.Payment.Reversal;

/**
 * How much of a grant a refund or dispute takes back, in integer arithmetic.
 *
 * <p>The target is proportional to the money given back: {@code floor(granted * reversed / paid)}, computed on the
 * cumulative amounts so that several partial refunds add up exactly to one of the same total (no rounding drift), and
 * a full refund takes exactly what was granted. Rounding is down, in the customer's favour: a partial refund never
 * takes back a fraction of a token or cent more than paid for.
 */
public final class Clawback {

  private Clawback() {}

  /**
   * What a payment granted for what it cost: the ratio every reversal is measured by.
   *
   * @param granted what the payment granted, in its asset's unit (tokens, or EUR cents for a top-up), at least 0
   * @param paidCents money paid, more than 0
   */
  public record Sale(long granted, long paidCents) {
    public Sale {
      if (paidCents <= 0 || granted < 0) {
        throw new IllegalArgumentException("paid must be positive and granted not negative");
      }
    }
  }

  /**
   * @param reversedCents money given back so far, clamped to 0..paid
   * @throws ArithmeticException when an intermediate product would overflow (only for charges above about 30
   *     million EUR: {@code paid² > 2^63})
   */
  public static long target(Sale sale, long reversedCents) {
    long paid = sale.paidCents();
    long r = Math.max(0, Math.min(reversedCents, paid));
    // granted = q * paid + rest with rest < paid, so granted * r / paid = q * r + rest * r / paid, where q * r <= granted
    // cannot overflow and rest * r < paid² is checked.
    long q = sale.granted() / paid;
    long rest = sale.granted() % paid;
    return Math.addExact(Math.multiplyExact(q, r), Math.multiplyExact(rest, r) / paid);
  }

  /**
   * What one reversal event does to a payment: how much more to take back (never below what was targeted before), and
   * how the taking splits into clawed back and shortfall given what the grant still holds.
   *
   * @param reversedCents the money given back so far, this reversal included
   */
  public record Step(long reversedCents, long toTake, long taken, long shortfall) {

    /** The payment's totals after this step. */
    public Reversal after(Reversal before) {
      return new Reversal(
          reversedCents, Math.addExact(before.clawedBack(), taken), Math.addExact(before.shortfall(), shortfall));
    }
  }

  /**
   * What giving money back to the merchant (a won dispute) undoes: the target drops to what the remaining reversed
   * amount justifies; the shortfall (never taken) is forgiven first, then what was taken is restored.
   *
   * @param reversedCents the money still given back after the merchant got some back
   */
  public record Undo(long reversedCents, long shortfallForgiven, long restored) {

    /** The payment's totals after this undo. */
    public Reversal after(Reversal before) {
      return new Reversal(reversedCents, before.clawedBack() - restored, before.shortfall() - shortfallForgiven);
    }
  }

  /**
   * @param before the payment's totals before this reversal
   * @param reversedCents the money given back so far, this reversal included
   * @param grantRemaining what the grant still holds
   */
  public static Step step(Sale sale, Reversal before, long reversedCents, long grantRemaining) {
    long target = target(sale, reversedCents);
    long toTake = Math.max(0, target - before.targeted());
    long taken = Math.min(toTake, Math.max(0, grantRemaining));
    return new Step(reversedCents, toTake, taken, toTake - taken);
  }

  /**
   * @param before the payment's totals before the merchant got money back
   * @param returnedCents money the merchant got back
   */
  public static Undo undo(Sale sale, Reversal before, long returnedCents) {
    long reversed = Math.max(0, before.reversedCents() - Math.max(0, returnedCents));
    long excess = Math.max(0, before.targeted() - target(sale, reversed));
    long forgiven = Math.min(excess, before.shortfall());
    long restored = Math.min(excess - forgiven, before.clawedBack());
    return new Undo(reversed, forgiven, restored);
  }
}
