package dev.obol.app.metrics;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.port.Activity;
import dev.obol.domain.usecase.ChargeOutcome;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per committed write, with its ids, in the shape the source systems asked for ("credit purchase: …",
 * "credit usage: …"), on the logger {@code obol.activity} so it can be routed or silenced on its own. Denials write
 * nothing, so they have no line. Ids and features are validated before they reach the domain (no control
 * characters), so they are printed as they are.
 */
public final class ActivityLog implements Activity {

  private static final String PACK_REASON_PREFIX = "token_pack:";

  private final Logger log;

  public ActivityLog() {
    this(LoggerFactory.getLogger("obol.activity"));
  }

  ActivityLog(Logger log) {
    this.log = log;
  }

  @Override
  public void debited(
      AccountId accountId, Asset asset, String feature, long cost, long balanceAfter, String requestId,
      String debitId) {
    log.info(
        "credit usage: account={}, feature={}, cost={}, balance_after={}, request_id={}, asset={}, debit_id={}",
        accountId.value(), feature, cost, balanceAfter, requestId, lower(asset), debitId);
  }

  @Override
  public void granted(
      AccountId accountId, Asset asset, GrantSource source, long amount, String reason, String grantId,
      String requestId) {
    // A pack purchase says which pack (its reason is "token_pack:<name>"); any other credit says its source.
    String packOrSource =
        reason != null && reason.startsWith(PACK_REASON_PREFIX)
            ? "pack=" + reason.substring(PACK_REASON_PREFIX.length())
            : "source=" + lower(source);
    log.info(
        "credit purchase: account={}, {}, amount={}, asset={}, grant_id={}, request_id={}",
        accountId.value(), packOrSource, amount, lower(asset), grantId, requestId);
  }

  @Override
  public void reversed(AccountId accountId, Asset asset, long amount, String debitId, String requestId) {
    log.info(
        "credit reversal: account={}, debit_id={}, amount={}, asset={}, request_id={}",
        accountId.value(), debitId, amount, lower(asset), requestId);
  }

  @Override
  public void monthlyCharge(AccountId accountId, ChargeOutcome.Kind outcome) {
    if (outcome == ChargeOutcome.Kind.CHARGED || outcome == ChargeOutcome.Kind.FAILED) {
      log.info("monthly charge: account={}, outcome={}", accountId.value(), lower(outcome));
    }
  }

  private static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
