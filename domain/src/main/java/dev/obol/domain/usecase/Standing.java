package dev.obol.domain.usecase;

import dev.obol.domain.model.AccountStatus;
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
    boolean lowBalanceAlerted) {}
