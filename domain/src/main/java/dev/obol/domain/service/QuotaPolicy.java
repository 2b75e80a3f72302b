package dev.obol.domain.service;

import dev.obol.domain.model.Asset;
import dev.obol.domain.model.EntryContext;
import dev.obol.domain.model.EntryKind;
import dev.obol.domain.model.Grant;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.Wallet;
import dev.obol.domain.payment.QuotaPeriod;
import dev.obol.domain.payment.QuotaSchedule.Window;
import dev.obol.domain.payment.Subscription;
import dev.obol.domain.usecase.GrantCommand;
import dev.obol.domain.usecase.GrantReceipt;
import dev.obol.domain.port.PaymentSession;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts a monthly quota period: quota is <em>replaced</em>, not added. The previous period's remainder expires (an
 * EXPIRY entry, reason {@value #REASON_REPLACED}); up to the plan's rollover cap of it carries into a grant of its own
 * (reason {@value #REASON_ROLLOVER}); and a new SUBSCRIPTION_QUOTA grant of the plan's tokens is issued, expiring at
 * the period end, at the quota priority (so it burns before purchased packs).
 *
 * <p>Every credit goes through {@link GrantWriter}. Periods are unique by (account, subscription, start), and a period
 * never replaces a later one: an invoice delivered out of order cannot take a newer quota away.
 */
public final class QuotaPolicy {

  public static final String REASON_INITIAL = "subscription_initial";
  public static final String REASON_RENEWAL = "subscription_renewal";
  public static final String REASON_ROLLOVER = "subscription_rollover";
  public static final String REASON_REPLACED = "quota_replaced";

  private final GrantWriter grants;

  public QuotaPolicy(GrantWriter grants) {
    this.grants = grants;
  }

  public sealed interface Outcome {}

  /**
   * @param expired what the previous period still held and was expired now
   * @param carried what carried into the rollover grant
   */
  public record Started(QuotaPeriod period, long expired, long carried) implements Outcome {}

  public record Skipped(String why) implements Outcome {}

  /**
   * @param initial the subscription's first invoice: its first month is {@value #REASON_INITIAL}, every other month
   *     {@value #REASON_RENEWAL}
   * @param source the invoice id, or {@link QuotaPeriod#SCHEDULED}
   */
  public Outcome start(
      PaymentSession session,
      Subscription subscription,
      Window window,
      boolean initial,
      String source,
      RequestId requestId,
      Instant now) {
    Optional<QuotaPeriod> latest = session.latestPeriod(subscription.subscriptionId());
    if (latest.isPresent() && !window.start().isAfter(latest.get().periodStart())) {
      return new Skipped("a period starting at " + latest.get().periodStart() + " was started already");
    }
    if (!window.end().isAfter(now)) {
      return new Skipped("the period ended at " + window.end());
    }
    long remainder = latest.map(previous -> expirePrevious(session, previous, requestId, now)).orElse(0L);
    // Only a period that runs right up to the new one carries over; a gap (e.g. months past due) carries nothing.
    boolean contiguous = latest.isPresent() && !latest.get().periodEnd().isBefore(window.start());
    long carried = contiguous ? Math.min(remainder, subscription.terms().rolloverCap()) : 0;

    String reason = initial && window.month() == 0 ? REASON_INITIAL : REASON_RENEWAL;
    String reference = QuotaPeriod.SCHEDULED.equals(source) ? subscription.subscriptionId() : source;
    GrantReceipt quota =
        grants.write(
            session.wallet(),
            quotaGrant(subscription, subscription.terms().monthlyTokens(), window, reference, reason, requestId),
            now);
    String rolloverGrantId = null;
    if (carried > 0) {
      rolloverGrantId =
          grants
              .write(
                  session.wallet(),
                  quotaGrant(subscription, carried, window, reference, REASON_ROLLOVER, requestId),
                  now)
              .grantId();
    }
    QuotaPeriod period =
        new QuotaPeriod(
            subscription.accountId(),
            subscription.subscriptionId(),
            window.start(),
            window.end(),
            quota.grantId(),
            rolloverGrantId,
            source,
            now);
    session.insertPeriod(period);
    return new Started(period, remainder, carried);
  }

  /**
   * Expires what the previous period's grants still hold and returns their whole unused remainder, counting what the
   * expiry sweeper already took when they reached their end (the renewal invoice usually arrives after that).
   */
  private static long expirePrevious(PaymentSession session, QuotaPeriod previous, RequestId requestId, Instant now) {
    List<String> grantIds = new ArrayList<>();
    grantIds.add(previous.quotaGrantId());
    if (previous.rolloverGrantId() != null) {
      grantIds.add(previous.rolloverGrantId());
    }
    Wallet wallet = session.wallet().loadWallet(Asset.TOKEN, grantIds);
    EntryContext context = new EntryContext(null, REASON_REPLACED, requestId.value(), null, now);
    long remainder = 0;
    for (String grantId : grantIds) {
      long sweptAlready = session.expiredFrom(grantId);
      long left = wallet.grant(grantId).remaining();
      if (left > 0) {
        wallet.takeFrom(grantId, left, EntryKind.EXPIRY, context);
      }
      remainder = Math.addExact(remainder, Math.addExact(sweptAlready, left));
    }
    wallet.expireDue(now, EntryContext.of(requestId.value(), null, now));
    if (wallet.hasChanges()) {
      session.wallet().save(wallet);
    }
    return remainder;
  }

  private static GrantCommand quotaGrant(
      Subscription subscription, long amount, Window window, String reference, String reason, RequestId requestId) {
    return GrantCommand.of(
            subscription.accountId(), Asset.TOKEN, amount, GrantSource.SUBSCRIPTION_QUOTA, reason, requestId)
        .withPriority(Grant.QUOTA_PRIORITY)
        .withExpiry(window.end())
        .withReference(reference);
  }
}
