package dev.obol.domain.usecase;

import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.Fingerprint;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.Validate;
import dev.obol.domain.payment.AutoRecharge;

/**
 * SetAutoRecharge: below {@code threshold} in the {@code asset} wallet, buy {@code pack} (TOKEN) or top up
 * {@code amountCents} (EUR), at most {@code monthlyLimit} times a calendar month.
 *
 * @param pack null for an EUR top-up
 * @param amountCents 0 for a pack
 * @param monthlyLimit 0: the default ({@value AutoRecharge#MONTHLY_LIMIT_DEFAULT})
 */
public record SetAutoRechargeCommand(
    AccountId accountId,
    Asset asset,
    long threshold,
    String pack,
    long amountCents,
    int monthlyLimit,
    boolean enabled,
    RequestId requestId) {

  /** Thresholds beyond this are a mistake (10 billion tokens, or 100 million EUR). */
  public static final long THRESHOLD_MAX = 10_000_000_000L;

  public SetAutoRechargeCommand {
    Validate.required("account_id", accountId);
    Validate.required("request_id", requestId);
    if (asset == null) {
      throw new InvalidArgumentException("asset", "MISSING_FIELD", "asset is required (TOKEN or EUR)");
    }
    if (threshold <= 0 || threshold > THRESHOLD_MAX) {
      throw new InvalidArgumentException(
          "threshold", "INVALID_THRESHOLD", "threshold must be 1.." + THRESHOLD_MAX + ", not " + threshold);
    }
    if (asset == Asset.TOKEN) {
      if (pack == null || pack.isEmpty()) {
        throw new InvalidArgumentException(
            "pack", "MISSING_FIELD", "a TOKEN auto-recharge buys a pack: pack is required");
      }
      if (amountCents != 0) {
        throw new InvalidArgumentException(
            "amount", "AMOUNT_NOT_FOR_TOKENS", "a TOKEN auto-recharge buys a pack; amount is for EUR top-ups");
      }
      Validate.id("pack", pack);
    } else {
      if (pack != null && !pack.isEmpty()) {
        throw new InvalidArgumentException(
            "pack", "PACK_NOT_FOR_EUR", "an EUR auto-recharge tops up an amount; packs are for TOKEN wallets");
      }
      if (amountCents <= 0) {
        throw new InvalidArgumentException(
            "amount", "MISSING_FIELD", "an EUR auto-recharge tops up an amount: amount (cents) is required");
      }
      pack = null;
    }
    if (monthlyLimit == 0) {
      monthlyLimit = AutoRecharge.MONTHLY_LIMIT_DEFAULT;
    }
    if (monthlyLimit < 1 || monthlyLimit > AutoRecharge.MONTHLY_LIMIT_MAX) {
      throw new InvalidArgumentException(
          "monthly_limit",
          "INVALID_MONTHLY_LIMIT",
          "monthly_limit must be 1.." + AutoRecharge.MONTHLY_LIMIT_MAX + " (0: the default, "
              + AutoRecharge.MONTHLY_LIMIT_DEFAULT + "), not " + monthlyLimit);
    }
  }

  public String fingerprint() {
    return Fingerprint.of(
        "set_auto_recharge", accountId.value(), asset.name(), threshold, pack, amountCents, monthlyLimit, enabled);
  }
}
