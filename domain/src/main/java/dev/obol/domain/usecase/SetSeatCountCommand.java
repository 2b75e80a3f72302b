package dev.obol.domain.usecase;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Fingerprint;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.SeatCount;
import dev.obol.domain.model.Validate;

public record SetSeatCountCommand(AccountId accountId, SeatCount seatCount, RequestId requestId) {

  public SetSeatCountCommand {
    Validate.required("account_id", accountId);
    Validate.required("seat_count", seatCount);
    Validate.required("request_id", requestId);
  }

  public String fingerprint() {
    return Fingerprint.of("set_seat_count", accountId.value(), seatCount.value());
  }
}
