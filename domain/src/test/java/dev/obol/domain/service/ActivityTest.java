package dev.obol.domain.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obol.domain.error.NotFoundException;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.DenialReason;
import dev.obol.domain.model.FeatureCatalog;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.model.LowBalancePolicy;
import dev.obol.domain.model.Pricing;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.SeatCount;
import dev.obol.domain.model.SeatFeeFormula;
import dev.obol.domain.payment.EventOutcome;
import dev.obol.domain.payment.EventResult;
import dev.obol.domain.payment.PaymentEvent;
import dev.obol.domain.payment.PaymentKind;
import dev.obol.domain.payment.ReceivedEvent;
import dev.obol.domain.port.AccountSession;
import dev.obol.domain.port.AccountStore;
import dev.obol.domain.port.Activity;
import dev.obol.domain.testing.InMemoryAccountStore;
import dev.obol.domain.testing.InMemoryPaymentStore;
import dev.obol.domain.testing.MutableClock;
import dev.obol.domain.testing.SequentialIds;
import dev.obol.domain.usecase.ChargeOutcome;
import dev.obol.domain.usecase.DebitCommand;
import dev.obol.domain.usecase.DebitOutcome;
import dev.obol.domain.usecase.GrantCommand;
import dev.obol.domain.usecase.MonthlyChargeCommand;
import dev.obol.domain.usecase.ReverseDebitCommand;
import dev.obol.domain.usecase.SetSeatCountCommand;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The services tell {@link Activity} each first outcome once, after the commit; never a replay or a rollback. */
class ActivityTest {

  static final AccountId ALICE = AccountId.of("alice");

  final MutableClock clock = MutableClock.at("2026-11-10T10:00:00Z");
  final InMemoryAccountStore memory = new InMemoryAccountStore(clock);
  final RetryOnce store = new RetryOnce(memory);
  final SequentialIds ids = new SequentialIds();
  final Recording activity = new Recording();
  final SeatFeeLadder ladder = new SeatFeeLadder(SeatFeeFormula.defaults(), ids);
  final WalletService wallets =
      new WalletService(
          store,
          memory,
          FeatureCatalog.defaults(),
          LowBalancePolicy.defaults(),
          ids,
          clock,
          new GrantWriter(ids, List.of(ladder)),
          List.of(ladder),
          activity);

  @Test
  void a_debit_and_a_denial_are_told_once_and_their_replays_are_not() {
    grant("g-1", 60);
    activity.told.clear();

    DebitOutcome first = debit("image", "d-1");
    assertThat(first).isInstanceOf(DebitOutcome.Debited.class);
    debit("image", "d-1"); // replay: the first answer, not told again
    debit("image", "d-2"); // 10 left: denied

    assertThat(activity.told)
        .containsExactly(
            "debited alice TOKEN image 50 10 d-1 " + SequentialIds.id("dbt", 1),
            "denied alice TOKEN image 50 INSUFFICIENT_BALANCE d-2");
  }

  @Test
  void a_grant_is_told_with_its_source_once() {
    grant("g-1", 60);
    grant("g-1", 60);

    assertThat(activity.told)
        .containsExactly("granted alice TOKEN PURCHASE 60 test " + SequentialIds.id("grt", 1) + " g-1");
  }

  @Test
  void a_reversal_is_told_once_and_a_failed_one_not_at_all() {
    grant("g-1", 100);
    debit("image", "d-1");
    activity.told.clear();
    String debitId = SequentialIds.id("dbt", 1);

    wallets.reverseDebit(new ReverseDebitCommand(ALICE, debitId, 20, "refund", RequestId.of("r-1")));
    wallets.reverseDebit(new ReverseDebitCommand(ALICE, debitId, 20, "refund", RequestId.of("r-1")));
    assertThatThrownBy(
            () -> wallets.reverseDebit(new ReverseDebitCommand(ALICE, "dbt_nope", 0, "x", RequestId.of("r-2"))))
        .isInstanceOf(NotFoundException.class);

    assertThat(activity.told).containsExactly("reversed alice TOKEN 20 " + debitId + " r-1");
  }

  @Test
  void a_rolled_back_attempt_of_a_retried_transaction_is_not_told() {
    grant("g-1", 100);
    activity.told.clear();
    store.failNextAttempt = true;

    debit("image", "d-1");

    assertThat(store.attempts).isEqualTo(2);
    assertThat(activity.told).hasSize(1).first().asString().startsWith("debited alice TOKEN image 50 50 d-1");
  }

  @Test
  void each_account_of_a_charge_run_is_told_its_first_outcome_and_a_retried_run_tells_nothing() {
    AccountService accounts = new AccountService(store, memory, ladder, clock, (a, p, e) -> {}, activity);
    AccountId paying = AccountId.of("paying");
    AccountId broke = AccountId.of("broke");
    wallets.grant(GrantCommand.of(paying, Asset.EUR, 10_000, GrantSource.TOP_UP, null, RequestId.of("t")));
    wallets.grant(GrantCommand.of(broke, Asset.EUR, 1, GrantSource.TOP_UP, null, RequestId.of("t")));
    accounts.setSeatCount(new SetSeatCountCommand(paying, SeatCount.of(1), RequestId.of("s")));
    accounts.setSeatCount(new SetSeatCountCommand(broke, SeatCount.of(1), RequestId.of("s")));
    activity.told.clear();

    accounts.runMonthlyCharges(new MonthlyChargeCommand(null, RequestId.of("run-1")));
    accounts.runMonthlyCharges(new MonthlyChargeCommand(null, RequestId.of("run-1"))); // retry: first answers
    accounts.runMonthlyCharges(new MonthlyChargeCommand(null, RequestId.of("run-2"))); // another run: skipped

    assertThat(activity.told)
        .filteredOn(line -> line.startsWith("charge"))
        .containsExactlyInAnyOrder(
            "charge broke " + ChargeOutcome.Kind.FAILED,
            "charge paying " + ChargeOutcome.Kind.CHARGED,
            "charge broke " + ChargeOutcome.Kind.ALREADY_CHARGED,
            "charge paying " + ChargeOutcome.Kind.ALREADY_CHARGED);
  }

  @Test
  void a_provider_event_is_told_with_its_stored_outcome_and_grant_once_and_a_duplicate_not() {
    InMemoryPaymentStore payments = new InMemoryPaymentStore(memory);
    PaymentEventService events =
        new PaymentEventService(
            payments, new GrantWriter(ids), payload -> new PaymentEvent.Unreadable("-"), clock, activity);
    ReceivedEvent received = new ReceivedEvent("evt_1", "checkout.session.completed", "{}", clock.instant());
    PaymentEvent paid =
        new PaymentEvent.PurchasePaid(ALICE, "cs_1", "pi_1", PaymentKind.TOP_UP, null, 2500, 2500, "eur");

    assertThat(events.handle(received, paid)).isInstanceOf(EventResult.Processed.class);
    assertThat(events.handle(received, paid)).isEqualTo(new EventResult.Duplicate());

    assertThat(activity.told)
        .containsExactly(
            "granted alice EUR TOP_UP 2500 top_up " + SequentialIds.id("grt", 1) + " stripe:evt_1",
            "webhook checkout.session.completed " + EventOutcome.Code.GRANTED);
  }

  @Test
  void the_default_tells_nothing_and_a_failing_activity_never_fails_the_write() {
    WalletService quiet =
        new WalletService(memory, memory, FeatureCatalog.defaults(), LowBalancePolicy.defaults(), ids, clock);
    quiet.grant(GrantCommand.of(ALICE, Asset.TOKEN, 5, GrantSource.PROMO, null, RequestId.of("q")));
    WalletService throwing =
        new WalletService(
            memory, memory, FeatureCatalog.defaults(), LowBalancePolicy.defaults(), ids, clock,
            new GrantWriter(ids), List.of(),
            new Activity() {
              @Override
              public void granted(
                  AccountId a, Asset s, GrantSource g, long n, String r, String id, String req) {
                throw new IllegalStateException("meter broken");
              }
            });

    assertThat(
            throwing.grant(GrantCommand.of(ALICE, Asset.TOKEN, 5, GrantSource.PROMO, null, RequestId.of("q2")))
                .balance())
        .isEqualTo(10);
  }

  private void grant(String requestId, long amount) {
    wallets.grant(GrantCommand.of(ALICE, Asset.TOKEN, amount, GrantSource.PURCHASE, "test", RequestId.of(requestId)));
  }

  private DebitOutcome debit(String feature, String requestId) {
    return wallets.checkAndDebit(
        new DebitCommand(ALICE, Pricing.of(feature, 0, null, 0), RequestId.of(requestId), Map.of()));
  }

  /** A recording fake: one line per fact told. */
  static final class Recording implements Activity {
    final List<String> told = new ArrayList<>();

    @Override
    public void debited(
        AccountId accountId, Asset asset, String feature, long cost, long balanceAfter, String requestId,
        String debitId) {
      told.add(String.join(" ", "debited", accountId.value(), asset.name(), feature, "" + cost, "" + balanceAfter,
          requestId, debitId));
    }

    @Override
    public void debitDenied(
        AccountId accountId, Asset asset, String feature, long cost, DenialReason reason, String requestId) {
      told.add(String.join(" ", "denied", accountId.value(), asset.name(), feature, "" + cost, reason.name(),
          requestId));
    }

    @Override
    public void granted(
        AccountId accountId, Asset asset, GrantSource source, long amount, String reason, String grantId,
        String requestId) {
      told.add(String.join(" ", "granted", accountId.value(), asset.name(), source.name(), "" + amount,
          String.valueOf(reason), grantId, requestId));
    }

    @Override
    public void reversed(AccountId accountId, Asset asset, long amount, String debitId, String requestId) {
      told.add(String.join(" ", "reversed", accountId.value(), asset.name(), "" + amount, debitId, requestId));
    }

    @Override
    public void monthlyCharge(AccountId accountId, ChargeOutcome.Kind outcome) {
      told.add("charge " + accountId.value() + " " + outcome);
    }

    @Override
    public void webhookEvent(String type, EventOutcome.Code outcome) {
      told.add("webhook " + type + " " + outcome);
    }
  }

  /**
   * The store's retry of a serialization failure: the first attempt runs the work and rolls back, the second
   * commits (as PostgreSQL's Transactions does).
   */
  static final class RetryOnce implements AccountStore {
    final InMemoryAccountStore delegate;
    boolean failNextAttempt;
    int attempts;

    RetryOnce(InMemoryAccountStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public <T> T inTransaction(AccountId accountId, LockMode mode, Function<AccountSession, T> work) {
      attempts = 0;
      if (failNextAttempt) {
        failNextAttempt = false;
        attempts++;
        try {
          delegate.inTransaction(
              accountId,
              mode,
              session -> {
                work.apply(session);
                throw new SerializationFailure();
              });
        } catch (SerializationFailure expected) {
          // rolled back; retried below
        }
      }
      attempts++;
      return delegate.inTransaction(accountId, mode, work);
    }
  }

  static final class SerializationFailure extends RuntimeException {}
}
