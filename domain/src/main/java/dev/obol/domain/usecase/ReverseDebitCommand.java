package dev.obol.domain.usecase;

import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Fingerprint;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.Validate;

/** @param amount 0: everything not reversed yet */
public record ReverseDebitCommand(
    AccountId accountId, String debitId, long amount, String reason, RequestId requestId) {

  public ReverseDebitCommand {
    Validate.id("debit_id", debitId);
    if (amount < 0) {
      throw new InvalidArgumentException("amount", "AMOUNT_NEGATIVE", "amount must be 0 (all) or more");
    }
    reason = Validate.text("reason", reason);
  }

  public String fingerprint() {
    return Fingerprint.of("reverse", accountId.value(), debitId, amount, reason);
  }
}
