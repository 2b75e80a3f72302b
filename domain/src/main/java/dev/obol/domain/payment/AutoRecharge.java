package dev.obol.domain.payment;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.Validate;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;

/**
 * An account's auto-recharge: its settings (what to buy when a wallet falls below a threshold) and its state (the
 * recharge sequence, the one recharge that may be pending, failures in a row, the calendar month's count). Changed
 * only under the account's lock, in the transaction of the write that crossed the threshold or of the provider event
 * that settled a recharge, so "never two pending" and "never more than the monthly limit" are decided race-free.
 *
 * @param pack the token pack bought (TOKEN wallets); null for an EUR top-up
 * @param grantAmount what a recharge credits: the pack's tokens, or the top-up's cents
 * @param priceCents what a recharge charges, in {@code currency}'s minor unit (the pack's price, or the top-up)
 * @param lastSequence the sequence number of the latest recharge requested (0: none yet); Stripe's idempotency key
 *     is derived from it
 * @param pendingSequence the recharge requested and not yet settled (0: none)
 * @param retryAfter null: no back-off; else no recharge is requested before it
 * @param month the calendar month (UTC) {@code monthCount} counts in
 * @param monthCount recharges requested in {@code month} that did not fail
 * @param disabledReason why Obol turned it off (null: it did not)
 */
public record AutoRecharge(
    AccountId accountId,
    Asset asset,
    long threshold,
    String pack,
    long grantAmount,
    long priceCents,
    String currency,
    int monthlyLimit,
    boolean enabled,
    long lastSequence,
    long pendingSequence,
    int failuresInRow,
    Instant retryAfter,
    YearMonth month,
    int monthCount,
    String disabledReason,
    Instant updatedAt) {

  public static final int MONTHLY_LIMIT_DEFAULT = 5;
  public static final int MONTHLY_LIMIT_MAX = 100;
  /** Failures in a row after which Obol turns auto-recharge off (and says so). */
  public static final int FAILURES_BEFORE_DISABLING = 3;

  public AutoRecharge {
    Validate.required("account_id", accountId);
    Validate.required("asset", asset);
    Validate.positive("threshold", threshold);
    Validate.positive("grant_amount", grantAmount);
    Validate.positive("price_cents", priceCents);
    Validate.required("currency", currency);
    Validate.required("month", month);
    if ((asset == Asset.TOKEN) != (pack != null)) {
      throw new IllegalArgumentException("a TOKEN recharge buys a pack, an EUR one an amount");
    }
    if (monthlyLimit < 1 || monthlyLimit > MONTHLY_LIMIT_MAX) {
      throw new IllegalArgumentException("monthly_limit " + monthlyLimit + " out of 1.." + MONTHLY_LIMIT_MAX);
    }
  }

  /** What SetAutoRecharge sets; the state (sequence, pending, month) carries over. */
  public record Settings(
      Asset asset,
      long threshold,
      String pack,
      long grantAmount,
      long priceCents,
      String currency,
      int monthlyLimit,
      boolean enabled) {}

  /** A first configuration. */
  public static AutoRecharge configured(AccountId accountId, Settings settings, Instant now) {
    return new AutoRecharge(
        accountId, settings.asset(), settings.threshold(), settings.pack(), settings.grantAmount(),
        settings.priceCents(), settings.currency(), settings.monthlyLimit(), settings.enabled(), 0, 0, 0, null, monthOf(now), 0, null, now);
  }

  /**
   * New settings over this state. Turning it on (again) forgets the failures and the back-off: the owner has acted
   * (typically after saving a new card). A pending recharge stays pending: it may still succeed.
   */
  public AutoRecharge reconfigured(Settings settings, Instant now) {
    boolean reset = settings.enabled();
    return new AutoRecharge(
        accountId, settings.asset(), settings.threshold(), settings.pack(), settings.grantAmount(),
        settings.priceCents(), settings.currency(), settings.monthlyLimit(), settings.enabled(), lastSequence, pendingSequence,
        reset ? 0 : failuresInRow, reset ? null : retryAfter, month, monthCount, reset ? null : disabledReason, now);
  }

  /** Recharges counted in the calendar month of {@code now}. */
  public int countIn(Instant now) {
    return month.equals(monthOf(now)) ? monthCount : 0;
  }

  public boolean pending() {
    return pendingSequence != 0;
  }

  /** Why a wallet at {@code balance} does not get a recharge now; null: it does. */
  public String whyNotDue(Asset walletAsset, long balance, Instant now) {
    if (!enabled) {
      return "disabled";
    }
    if (walletAsset != asset || balance >= threshold) {
      return "above threshold";
    }
    if (pending()) {
      return "recharge " + pendingSequence + " pending";
    }
    if (retryAfter != null && now.isBefore(retryAfter)) {
      return "backing off until " + retryAfter;
    }
    if (countIn(now) >= monthlyLimit) {
      return "monthly limit " + monthlyLimit + " reached";
    }
    return null;
  }

  /** The next recharge requested: its sequence number taken, pending, counted in the month. */
  public AutoRecharge requested(Instant now) {
    long sequence = Math.addExact(lastSequence, 1);
    return new AutoRecharge(
        accountId, asset, threshold, pack, grantAmount, priceCents, currency, monthlyLimit, enabled, sequence, sequence,
        failuresInRow, retryAfter, monthOf(now), countIn(now) + 1, disabledReason, now);
  }

  /** The attempt (the outbox row) of the recharge {@link #requested} just made. */
  public RechargeAttempt attempt(Instant now) {
    return RechargeAttempt.requested(
        accountId, lastSequence, asset, pack, grantAmount, priceCents, currency, now);
  }

  /**
   * Recharge {@code sequence} was paid: no longer pending; when it is the latest recharge, failures and back-off are
   * forgotten.
   *
   * @param countedAsFailed its failure was counted before (a late success): it counts in this month after all
   */
  public AutoRecharge succeeded(long sequence, boolean countedAsFailed, Instant now) {
    boolean latest = sequence == lastSequence;
    return new AutoRecharge(
        accountId, asset, threshold, pack, grantAmount, priceCents, currency, monthlyLimit, enabled, lastSequence,
        pendingSequence == sequence ? 0 : pendingSequence, latest ? 0 : failuresInRow, latest ? null : retryAfter,
        countedAsFailed ? monthOf(now) : month, countedAsFailed ? countIn(now) + 1 : monthCount, disabledReason, now);
  }

  /**
   * Recharge {@code sequence} failed: no longer pending, not a recharge of its month, one more failure in a row and a
   * back-off of {@code backoff} × 4^(failures − 1); the {@value #FAILURES_BEFORE_DISABLING}rd failure in a row turns
   * it off.
   */
  public AutoRecharge failed(long sequence, Duration backoff, Instant now, Instant requestedAt) {
    if (pendingSequence != sequence) {
      return this; // a failure of an older recharge, already settled: the current state stands
    }
    int failures = failuresInRow + 1;
    boolean disable = failures >= FAILURES_BEFORE_DISABLING;
    Duration wait = backoff.multipliedBy(1L << Math.min(2 * (failures - 1), 20));
    // The failed recharge no longer counts against its month's limit (it charged nothing).
    boolean sameMonth = month.equals(monthOf(requestedAt));
    return new AutoRecharge(
        accountId, asset, threshold, pack, grantAmount, priceCents, currency, monthlyLimit, enabled && !disable, lastSequence,
        0, failures, now.plus(wait), month, sameMonth ? Math.max(0, monthCount - 1) : monthCount,
        disable ? failures + " recharges failed in a row" : disabledReason, now);
  }

  public static YearMonth monthOf(Instant at) {
    return YearMonth.from(at.atOffset(ZoneOffset.UTC));
  }
}
