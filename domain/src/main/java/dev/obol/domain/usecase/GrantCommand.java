package dev.obol.domain.usecase;

import dev.obol.domain.error.InvalidArgumentException;
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
      throw new InvalidArgumentException(
          "priority", "PRIORITY_NEGATIVE", "priority must be 0 or more");
    }
  }

  /** A grant at the source's default priority that never expires and names no outside reference. */
  public static GrantCommand of(
      AccountId accountId, Asset asset, long amount, GrantSource source, String reason, RequestId requestId) {
    return new GrantCommand(accountId, asset, amount, source, null, null, null, reason, requestId);
  }

  /** @param expiresAt null: never expires */
  public GrantCommand withExpiry(Instant expiresAt) {
    return new GrantCommand(accountId, asset, amount, source, priority, expiresAt, reference, reason, requestId);
  }

  /** @param priority null: the source's default */
  public GrantCommand withPriority(Integer priority) {
    return new GrantCommand(accountId, asset, amount, source, priority, expiresAt, reference, reason, requestId);
  }

  /** @param reference the payment or checkout this grant comes from (e.g. a Stripe id); null: none */
  public GrantCommand withReference(String reference) {
    return new GrantCommand(accountId, asset, amount, source, priority, expiresAt, reference, reason, requestId);
  }

  public int effectivePriority() {
    return priority != null ? priority : source.defaultPriority();
  }

  public String fingerprint() {
    return Fingerprint.of(
        "grant",
        accountId.value(),
        asset.name(),
        amount,
        source.name(),
        effectivePriority(),
        expiresAt,
        reference,
        reason);
  }
}
