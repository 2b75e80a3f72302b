package dev.obol.domain.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.EntryContext;
import dev.obol.domain.model.EntryKind;
import dev.obol.domain.model.Grant;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.model.LedgerEntry;
import dev.obol.domain.model.RecordedEntry;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.Wallet;
import dev.obol.domain.payment.BillingInterval;
import dev.obol.domain.payment.Payment;
import dev.obol.domain.payment.PlanTerms;
import dev.obol.domain.payment.QuotaPeriod;
import dev.obol.domain.payment.QuotaSchedule.Window;
import dev.obol.domain.payment.Subscription;
import dev.obol.domain.usecase.GrantCommand;
import dev.obol.domain.port.AccountSession;
import dev.obol.domain.port.AccountStore.LockMode;
import dev.obol.domain.port.PaymentSession;
import dev.obol.domain.testing.InMemoryAccountStore;
import dev.obol.domain.testing.InMemoryLedgerAudit;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.domain.testing.MutableClock;
import dev.obol.domain.testing.SequentialIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Quota is replaced, not added; purchased tokens are never touched; rollover is capped; periods never go back. */
class QuotaPolicyTest {

  private static final AccountId ACCOUNT = AccountId.of("acct-1");
  private static final Instant AUG_6 = Instant.parse("2026-08-06T12:00:00Z");
  private static final Instant SEP_6 = Instant.parse("2026-09-06T12:00:00Z");
  private static final Instant OCT_6 = Instant.parse("2026-10-06T12:00:00Z");
  private static final Instant NOV_6 = Instant.parse("2026-11-06T12:00:00Z");
  private static final Instant DEC_6 = Instant.parse("2026-12-06T12:00:00Z");

  private final MutableClock clock = MutableClock.at(AUG_6.plusSeconds(60));
  private final InMemoryAccountStore store = new InMemoryAccountStore(clock);
  private final GrantWriter writer = new GrantWriter(new SequentialIds());
  private final QuotaPolicy policy = new QuotaPolicy(writer);
  /** The payment side's quota periods, committed with the account's transaction. */
  private final List<QuotaPeriod> periods = new ArrayList<>();

  @RegisterExtension
  private final LedgerInvariantExtension ledgerInvariant =
      LedgerInvariantExtension.over(new InMemoryLedgerAudit(store), clock::instant);

  @Test
  void theFirstPeriodGrantsThePlansTokensExpiringAtThePeriodEndAtQuotaPriority() {
    QuotaPolicy.Outcome outcome = start(plan(0), new Window(0, AUG_6, SEP_6), true);

    assertThat(outcome).isInstanceOf(QuotaPolicy.Started.class);
    Grant quota = quotaGrants().get(0);
    assertThat(quota.amount()).isEqualTo(3000);
    assertThat(quota.expiresAt()).isEqualTo(SEP_6);
    assertThat(quota.priority()).isEqualTo(Grant.QUOTA_PRIORITY);
    assertThat(quota.reason()).isEqualTo(QuotaPolicy.REASON_INITIAL);
    assertThat(quota.reference()).isEqualTo("in_1");
  }

  @Test
  void theNextPeriodExpiresTheRemainderAndReplacesItWhilePurchasedTokensStay() {
    inTransaction(s -> writer.write(s.wallet(), pack(500), clock.instant()));
    start(plan(0), new Window(0, AUG_6, SEP_6), true);
    debit(1000);

    clock.set(SEP_6.plusSeconds(3600));
    QuotaPolicy.Outcome outcome = start(plan(0), new Window(0, SEP_6, OCT_6), false);

    assertThat(outcome).isEqualTo(new QuotaPolicy.Started(periods.get(1), 2000, 0));
    assertThat(liveBalance()).isEqualTo(3500);
    assertThat(store.openGrants(ACCOUNT, Asset.TOKEN))
        .filteredOn(g -> g.source() == GrantSource.PURCHASE)
        .singleElement()
        .extracting(Grant::remaining)
        .isEqualTo(500L);
    LedgerEntry expiry = lastEntry(EntryKind.EXPIRY);
    assertThat(expiry.amount()).isEqualTo(-2000);
    assertThat(expiry.reason()).isEqualTo(QuotaPolicy.REASON_REPLACED);
    assertThat(quotaGrants()).last().extracting(Grant::reason).isEqualTo(QuotaPolicy.REASON_RENEWAL);
  }

  @Test
  void atMostTheRolloverCapCarriesIntoAGrantOfItsOwnCountingWhatTheSweeperExpiredAlready() {
    start(plan(500), new Window(0, AUG_6, SEP_6), true);
    debit(2800);
    // 200 left at the period end; the sweeper expires it before the renewal invoice arrives.
    clock.set(SEP_6.plusSeconds(60));
    new ExpirySweeper(store, store, clock).sweep();

    clock.set(SEP_6.plusSeconds(3600));
    assertThat(start(plan(500), new Window(1, SEP_6, OCT_6), false))
        .isEqualTo(new QuotaPolicy.Started(periods.get(1), 200, 200));
    assertThat(liveBalance()).isEqualTo(3200);

    // Next month 3200 are left in the quota and rollover grants together: the cap carries 500.
    clock.set(OCT_6.plusSeconds(60));
    QuotaPolicy.Outcome third = start(plan(500), new Window(2, OCT_6, NOV_6), false);
    assertThat(third).isEqualTo(new QuotaPolicy.Started(periods.get(2), 3200, 500));
    assertThat(liveBalance()).isEqualTo(3500);
    assertThat(quotaGrants()).filteredOn(g -> g.remaining() > 0)
        .extracting(Grant::reason, Grant::remaining, Grant::expiresAt)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(QuotaPolicy.REASON_RENEWAL, 3000L, NOV_6),
            org.assertj.core.groups.Tuple.tuple(QuotaPolicy.REASON_ROLLOVER, 500L, NOV_6));
  }

  @Test
  void aPeriodAfterAGapCarriesNothing() {
    start(plan(500), new Window(0, AUG_6, SEP_6), true);
    clock.set(NOV_6.plusSeconds(60));
    assertThat(start(plan(500), new Window(0, NOV_6, DEC_6), false))
        .isEqualTo(new QuotaPolicy.Started(periods.get(1), 3000, 0));
    assertThat(liveBalance()).isEqualTo(3000);
  }

  @Test
  void anEarlierOrEqualPeriodIsSkippedAndNeverTakesANewerQuotaAway() {
    clock.set(SEP_6.plusSeconds(60));
    start(plan(0), new Window(1, SEP_6, OCT_6), false);

    assertThat(start(plan(0), new Window(1, SEP_6, OCT_6), false)).isInstanceOf(QuotaPolicy.Skipped.class);
    assertThat(start(plan(0), new Window(0, AUG_6, SEP_6), true)).isInstanceOf(QuotaPolicy.Skipped.class);
    assertThat(periods).hasSize(1);
    assertThat(liveBalance()).isEqualTo(3000);
  }

  @Test
  void aPeriodThatIsAlreadyOverGrantsNothing() {
    clock.set(SEP_6.plusSeconds(1));
    assertThat(start(plan(0), new Window(0, AUG_6, SEP_6), true)).isInstanceOf(QuotaPolicy.Skipped.class);
    assertThat(quotaGrants()).isEmpty();
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  private Subscription plan(long rolloverCap) {
    return Subscription.linked(
        ACCOUNT, "sub_1", "cus_1", new PlanTerms("monthly", 3000, rolloverCap, BillingInterval.MONTH), AUG_6);
  }

  private QuotaPolicy.Outcome start(Subscription subscription, Window window, boolean initial) {
    return inTransaction(
        s ->
            policy.start(
                s,
                subscription,
                window,
                initial,
                "in_" + (periods.size() + 1),
                RequestId.of("stripe:evt_" + periods.size()),
                clock.instant()));
  }

  private GrantCommand pack(long tokens) {
    return new GrantCommand(
        ACCOUNT, Asset.TOKEN, tokens, GrantSource.PURCHASE, null, null, "cs_1", "token_pack:standard",
        RequestId.of("stripe:evt_pack"));
  }

  private void debit(long amount) {
    store.inTransaction(
        ACCOUNT,
        LockMode.EXISTING,
        s -> {
          Wallet wallet = s.loadWallet(Asset.TOKEN, Set.of());
          wallet.debit(amount, EntryKind.DEBIT, EntryContext.of("d", "dbt_1", clock.instant()));
          s.save(wallet);
          return null;
        });
  }

  private long liveBalance() {
    return new Wallet(ACCOUNT, Asset.TOKEN, store.openGrants(ACCOUNT, Asset.TOKEN)).liveBalanceAt(clock.instant());
  }

  private List<Grant> quotaGrants() {
    return store.grants(ACCOUNT).stream().filter(g -> g.source() == GrantSource.SUBSCRIPTION_QUOTA).toList();
  }

  private LedgerEntry lastEntry(EntryKind kind) {
    List<RecordedEntry> entries = store.entries(ACCOUNT);
    for (int i = entries.size() - 1; i >= 0; i--) {
      if (entries.get(i).entry().kind() == kind) {
        return entries.get(i).entry();
      }
    }
    throw new AssertionError("no " + kind + " entry");
  }

  /** The account's transaction with the quota periods alongside, kept only when the work returns. */
  private <T> T inTransaction(Function<PaymentSession, T> work) {
    List<QuotaPeriod> pending = new ArrayList<>(periods);
    T result =
        store.inTransaction(ACCOUNT, LockMode.CREATE_IF_MISSING, s -> work.apply(new Session(s, pending)));
    periods.clear();
    periods.addAll(pending);
    return result;
  }

  /** Only what the quota policy uses; the PostgreSQL adapter is covered end to end. */
  private final class Session implements PaymentSession {
    private final AccountSession wallet;
    private final List<QuotaPeriod> periods;

    Session(AccountSession wallet, List<QuotaPeriod> periods) {
      this.wallet = wallet;
      this.periods = periods;
    }

    @Override
    public AccountSession wallet() {
      return wallet;
    }

    @Override
    public Optional<QuotaPeriod> latestPeriod(String subscriptionId) {
      return periods.stream()
          .filter(p -> p.subscriptionId().equals(subscriptionId))
          .max(java.util.Comparator.comparing(QuotaPeriod::periodStart));
    }

    @Override
    public void insertPeriod(QuotaPeriod period) {
      if (periods.stream().anyMatch(p -> p.subscriptionId().equals(period.subscriptionId())
          && p.periodStart().equals(period.periodStart()))) {
        throw new IllegalStateException("duplicate key: period " + period.periodStart());
      }
      periods.add(period);
    }

    @Override
    public void savePaymentMethod(String customerId, String paymentMethodId, java.time.Instant at) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long expiredFrom(String grantId) {
      return -store.entries(ACCOUNT).stream()
          .map(RecordedEntry::entry)
          .filter(e -> e.grantId().equals(grantId) && e.kind() == EntryKind.EXPIRY)
          .mapToLong(LedgerEntry::amount)
          .sum();
    }

    @Override
    public Optional<Payment> findPayment(String providerId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Payment> findPaymentByIntent(String paymentIntentId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void insertPayment(Payment payment) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void updateReversal(Payment payment) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<dev.obol.domain.payment.PaymentBonus> findBonus(String providerId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void insertBonus(dev.obol.domain.payment.PaymentBonus bonus) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void updateBonusReversal(dev.obol.domain.payment.PaymentBonus bonus) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Subscription> findSubscription(String subscriptionId) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void saveSubscription(Subscription subscription) {
      throw new UnsupportedOperationException();
    }
  }
}
