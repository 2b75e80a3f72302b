package dev.obol.domain.usecase;

import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Fingerprint;
import dev.obol.domain.model.Pricing;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.Validate;
import java.util.Map;
import java.util.TreeMap;

public record DebitCommand(
    AccountId accountId, Pricing pricing, RequestId requestId, Map<String, String> metadata) {

  public static final int METADATA_ENTRIES_MAX = 16;
  public static final int METADATA_KEY_LENGTH_MAX = 64;
  public static final int METADATA_VALUE_LENGTH_MAX = 256;

  public DebitCommand {
    metadata = validMetadata(metadata);
  }

  public String fingerprint() {
    return Fingerprint.of("debit", accountId.value(), pricingText(pricing), metadata);
  }

  /**
   * The text the first release fingerprinted (then a record's {@code toString()}), written out so that renaming a
   * field of {@link Pricing} cannot change it.
   */
  static String pricingText(Pricing pricing) {
    if (pricing instanceof Pricing.ByFeature f) {
      return "ByFeature[feature=" + f.feature() + ", quantity=" + f.quantity() + "]";
    }
    Pricing.ByAmount a = (Pricing.ByAmount) pricing;
    return "ByAmount[asset=" + a.asset().name() + ", amount=" + a.amount() + "]";
  }

  static Map<String, String> validMetadata(Map<String, String> metadata) {
    if (metadata == null || metadata.isEmpty()) {
      return Map.of();
    }
    if (metadata.size() > METADATA_ENTRIES_MAX) {
      throw new InvalidArgumentException(
          "metadata", "TOO_MANY_ENTRIES", "metadata holds at most " + METADATA_ENTRIES_MAX + " entries");
    }
    metadata.forEach(
        (key, value) -> {
          if (key.isEmpty() || key.length() > METADATA_KEY_LENGTH_MAX) {
            throw new InvalidArgumentException(
                "metadata", "INVALID_METADATA_KEY", "metadata keys are 1.." + METADATA_KEY_LENGTH_MAX + " characters");
          }
          if (value.length() > METADATA_VALUE_LENGTH_MAX) {
            throw new InvalidArgumentException(
                "metadata", "FIELD_TOO_LONG", "metadata values are at most " + METADATA_VALUE_LENGTH_MAX + " characters");
          }
          Validate.safeText("metadata", key);
          Validate.safeText("metadata", value);
        });
    return Map.copyOf(new TreeMap<>(metadata));
  }
}
