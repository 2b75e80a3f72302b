package dev.obol.domain.usecase;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Fingerprint;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.Validate;

public record ReleaseCommand(AccountId accountId, String reservationId, RequestId requestId) {

  public ReleaseCommand {
    Validate.id("reservation_id", reservationId);
  }

  public String fingerprint() {
    return Fingerprint.of("release", accountId.value(), reservationId);
  }
}
