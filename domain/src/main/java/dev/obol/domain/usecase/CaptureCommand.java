package dev.obol.domain.usecase;

import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Fingerprint;
import dev.obol.domain.model.Overage;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.Validate;

/** @param amount what the work cost; 0 means all that is held */
public record CaptureCommand(
    AccountId accountId, String reservationId, long amount, Overage overage, RequestId requestId) {

  public CaptureCommand {
    Validate.id("reservation_id", reservationId);
    if (amount < 0) {
      throw new InvalidArgumentException("amount", "AMOUNT_NEGATIVE", "amount must be 0 (all held) or more");
    }
    overage = overage == null ? Overage.REJECT : overage;
  }

  public String fingerprint() {
    return Fingerprint.of("capture", accountId.value(), reservationId, amount, overage.name());
  }
}
