package dev.obol.domain.payment;

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
   * @param granted what the payment granted (tokens or cents), at least 0
   * @param reversed money given back so far (cents), clamped to 0..paid
   * @param paid money paid (cents), more than 0
   * @throws ArithmeticException when an intermediate product would overflow (only for charges above about 30
   *     million EUR: {@code paid² > 2^63})
   */
  public static long target(long granted, long reversed, long paid) {
    if (paid <= 0 || granted < 0) {
      throw new IllegalArgumentException("paid must be positive and granted not negative");
    }
    long r = Math.max(0, Math.min(reversed, paid));
    // granted = q * paid + rest with rest < paid, so granted * r / paid = q * r + rest * r / paid, where q * r <= granted
    // cannot overflow and rest * r < paid² is checked.
    long q = granted / paid;
    long rest = granted % paid;
    return Math.addExact(Math.multiplyExact(q, r), Math.multiplyExact(rest, r) / paid);
  }

  /**
   * What one reversal event does to a payment: how much more to take back (never below what was targeted before), and
   * how the taking splits into clawed back and shortfall given what the grant still holds.
   */
  public record Step(long reversedAmount, long toTake, long taken, long shortfall) {}

  /**
   * What giving money back to the merchant (a won dispute) undoes: the target drops to what the remaining reversed
   * amount justifies; the shortfall (never taken) is forgiven first, then what was taken is restored.
   */
  public record Undo(long reversedAmount, long shortfallForgiven, long restored) {}

  /**
   * @param returnedAmount money the merchant got back (cents)
   * @param reversedAmount money given back so far, before this
   */
  public static Undo undo(
      long granted, long paid, long reversedAmount, long returnedAmount, long clawedBack, long shortfall) {
    long reversed = Math.max(0, reversedAmount - Math.max(0, returnedAmount));
    long excess = Math.max(0, Math.addExact(clawedBack, shortfall) - target(granted, reversed, paid));
    long forgiven = Math.min(excess, shortfall);
    long restored = Math.min(excess - forgiven, clawedBack);
    return new Undo(reversed, forgiven, restored);
  }

  /**
   * @param alreadyTargeted clawedBack + shortfall of the earlier reversals
   * @param grantRemaining what the grant still holds
   */
  public static Step step(long granted, long paid, long reversedAmount, long alreadyTargeted, long grantRemaining) {
    long target = target(granted, reversedAmount, paid);
    long toTake = Math.max(0, target - alreadyTargeted);
    long taken = Math.min(toTake, Math.max(0, grantRemaining));
    return new Step(reversedAmount, toTake, taken, toTake - taken);
  }
}
