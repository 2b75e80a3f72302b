package dev.obol.domain.port.in;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.Fingerprint;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.Validate;
import java.time.Instant;

/**
 * @param priority null: the source's default (10 for subscription quota, 100 otherwise)
 * @param expiresAt null: never expires
 */
public record GrantCommand(
    AccountId accountId,
    Asset asset,
    long amount,
    GrantSource source,
    Integer priority,
    Instant expiresAt,
    String reference,
    String reason,
    RequestId requestId) {

  public GrantCommand {
    Validate.required("asset", asset);
    Validate.positive("amount", amount);
    Validate.required("source", source);
    reference = Validate.text("reference", reference);
    reason = Validate.text("reason", reason);
    if (priority != null && priority < 0) {
      throw new dev.obol.domain.error.InvalidArgumentException(
          "priority", "PRIORITY_NEGATIVE", "priority must be 0 or more");
    }
  }

  public int effectivePriority() {
    return priority != null ? priority : source.defaultPriority();
  }

  public String fingerprint() {
    return Fingerprint.of(
        "grant", accountId, asset, amount, source, effectivePriority(), expiresAt, reference, reason);
  }
}
