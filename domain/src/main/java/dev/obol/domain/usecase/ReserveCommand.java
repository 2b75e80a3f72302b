package dev.obol.domain.usecase;

import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Fingerprint;
import dev.obol.domain.model.Pricing;
import dev.obol.domain.model.RequestId;
import java.util.Map;

/** @param ttlSeconds how long the hold may be captured; 0 means {@link #TTL_DEFAULT_SECONDS} */
public record ReserveCommand(
    AccountId accountId, Pricing pricing, long ttlSeconds, RequestId requestId, Map<String, String> metadata) {

  public static final long TTL_DEFAULT_SECONDS = 300;
  /** A day: a hold is for work in progress, not a standing reservation. */
  public static final long TTL_MAX_SECONDS = 86_400;

  public ReserveCommand {
    if (ttlSeconds == 0) {
      ttlSeconds = TTL_DEFAULT_SECONDS;
    }
    if (ttlSeconds < 1 || ttlSeconds > TTL_MAX_SECONDS) {
      throw new InvalidArgumentException(
          "ttl_seconds", "TTL_OUT_OF_RANGE", "ttl_seconds must be 1.." + TTL_MAX_SECONDS + " (0 means 300)");
    }
    metadata = DebitCommand.validMetadata(metadata);
  }

  public String fingerprint() {
    return Fingerprint.of("reserve", accountId.value(), DebitCommand.pricingText(pricing), ttlSeconds, metadata);
  }
}
