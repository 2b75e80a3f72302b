package dev.obol.domain.usecase;

import dev.obol.domain.model.ChargePeriod;
import dev.obol.domain.model.Fingerprint;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.Validate;
import java.time.Instant;

/** @param asOf picks the period (the UTC calendar month containing it); null means now */
public record MonthlyChargeCommand(Instant asOf, RequestId requestId) {

  public MonthlyChargeCommand {
    Validate.required("request_id", requestId);
  }

  /** Of the run for {@code period} (the period, not {@link #asOf}: two instants in one month are the same run). */
  public static String fingerprint(ChargePeriod period) {
    return Fingerprint.of("monthly_charge", period.month().toString());
  }
}
