package dev.obol.domain.usecase;

import dev.obol.domain.model.AccountStatus;
import dev.obol.domain.model.ChargePeriod;
import java.time.Instant;

/**
 * What a per-seat account stands at.
 *
 * @param balanceCents the EUR wallet's live balance
 * @param canAffordNextMonth the balance pays what is owed plus the next monthly fee (true when there is no fee)
 * @param monthsRemaining how many monthly fees the balance pays once what is owed is paid; 0 when there is no fee
 * @param lastChargeAt when the latest monthly charge was made (paid or left owed); null if never
 * @param nextChargeAt the start of the next period; null when there is no fee
 */
public record Standing(
    AccountStatus status,
    long seatCount,
    long monthlyFeeCents,
    long balanceCents,
    boolean canAffordNextMonth,
    long monthsRemaining,
    Instant lastChargeAt,
    Instant nextChargeAt,
    long owedCents,
    boolean lowBalanceAlerted) {

  /**
   * The standing from an account's facts: the one computation of what the balance covers, shared by GetStanding and
   * ListAccounts.
   *
   * @param feeCents the monthly fee of the account's seat count (0: no seats)
   */
  public static Standing of(
      AccountStatus status,
      long seatCount,
      long feeCents,
      long balanceCents,
      long owedCents,
      Instant lastChargeAt,
      boolean lowBalanceAlerted,
      Instant now) {
    long afterOwedCents = Math.max(0, balanceCents - owedCents);
    return new Standing(
        status,
        seatCount,
        feeCents,
        balanceCents,
        balanceCents >= Math.addExact(owedCents, feeCents),
        feeCents == 0 ? 0 : afterOwedCents / feeCents,
        lastChargeAt,
        feeCents == 0 ? null : ChargePeriod.containing(now).next().start(),
        owedCents,
        lowBalanceAlerted);
  }
}
