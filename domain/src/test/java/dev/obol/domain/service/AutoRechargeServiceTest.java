package dev.obol.domain.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obol.domain.error.FailedPreconditionException;
import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.error.UnavailableException;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.FeatureCatalog;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.model.LowBalancePolicy;
import dev.obol.domain.model.Notification;
import dev.obol.domain.model.Pricing;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.payment.EventOutcome;
import dev.obol.domain.payment.EventResult;
import dev.obol.domain.payment.OffSessionCharge;
import dev.obol.domain.payment.OffSessionResult;
import dev.obol.domain.payment.PaymentCatalog;
import dev.obol.domain.payment.PaymentEvent;
import dev.obol.domain.payment.PaymentKind;
import dev.obol.domain.payment.RechargeAttempt;
import dev.obol.domain.payment.ReceivedEvent;
import dev.obol.domain.port.Activity;
import dev.obol.domain.port.StoredCardPayments;
import dev.obol.domain.testing.InMemoryAccountStore;
import dev.obol.domain.testing.InMemoryLedgerAudit;
import dev.obol.domain.testing.InMemoryPaymentStore;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.domain.testing.MutableClock;
import dev.obol.domain.testing.SequentialIds;
import dev.obol.domain.usecase.AutoRechargeView;
import dev.obol.domain.usecase.DebitCommand;
import dev.obol.domain.usecase.GrantCommand;
import dev.obol.domain.usecase.SetAutoRechargeCommand;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Auto-recharge on the in-memory stores: the threshold crossing requests one recharge inside the debit's transaction,
 * the dispatcher hands it to a recording provider, and provider events settle it.
 */
class AutoRechargeServiceTest {

  static final Instant START = Instant.parse("2026-12-03T12:00:00Z");
  static final AccountId ALICE = AccountId.of("alice");

  final MutableClock clock = MutableClock.at(START);
  final InMemoryAccountStore store = new InMemoryAccountStore(clock);
  final InMemoryPaymentStore payments = new InMemoryPaymentStore(store);
  final SequentialIds ids = new SequentialIds();
  final AutoRechargeTrigger trigger = new AutoRechargeTrigger(ids, Duration.ofHours(1));
  final WalletService wallets =
      new WalletService(
          store, store, FeatureCatalog.defaults(), LowBalancePolicy.defaults(), ids, clock, new GrantWriter(ids),
          List.of(trigger));
  final RecordingProvider provider = new RecordingProvider();
  final AutoRechargeService recharges = service(Optional.of(provider));
  final PaymentEventService events =
      new PaymentEventService(
          payments,
          payload -> new PaymentEvent.Unreadable("-"),
          new PurchaseEvents(new GrantWriter(ids)),
          new SubscriptionEvents(payments, new QuotaPolicy(new GrantWriter(ids)), clock, Activity.NONE),
          new RefundEvents(),
          new AutoRechargeEvents(new PurchaseEvents(new GrantWriter(ids)), trigger),
          clock);
  final AtomicInteger eventIds = new AtomicInteger();

  @RegisterExtension
  final LedgerInvariantExtension ledgerInvariant =
      LedgerInvariantExtension.over(new InMemoryLedgerAudit(store), clock::instant);

  AutoRechargeService service(Optional<StoredCardPayments> provider) {
    return new AutoRechargeService(
        store, payments, PaymentCatalog.defaults(), provider, store, trigger,
        new AutoRechargeService.Dispatch(50, Duration.ofSeconds(60)), clock, Activity.NONE);
  }

  @Test
  void turning_it_on_needs_a_saved_payment_method_and_a_configured_provider() {
    grant(1000);
    assertThatThrownBy(() -> set(100, "standard", 0, 0, true, "s1"))
        .isInstanceOfSatisfying(
            FailedPreconditionException.class, e -> assertThat(e.reason()).isEqualTo("PAYMENT_METHOD_REQUIRED"));
    savePaymentMethod();
    assertThatThrownBy(() -> service(Optional.empty()).set(command(100, "standard", 0, 0, true, "s2")))
        .isInstanceOfSatisfying(
            FailedPreconditionException.class, e -> assertThat(e.reason()).isEqualTo("PAYMENTS_NOT_CONFIGURED"));
    // Turning it off needs neither.
    assertThat(service(Optional.empty()).set(command(100, "standard", 0, 0, false, "s3")).enabled()).isFalse();
    assertThat(store.rechargeAttempts(ALICE)).isEmpty();
  }

  @Test
  void bad_settings_are_refused_with_the_field_at_fault() {
    assertThatThrownBy(() -> command(0, "standard", 0, 0, true, "b1"))
        .isInstanceOfSatisfying(InvalidArgumentException.class, e -> assertThat(e.field()).isEqualTo("threshold"));
    assertThatThrownBy(() -> new SetAutoRechargeCommand(ALICE, Asset.TOKEN, 10, null, 0, 0, true, RequestId.of("b")))
        .isInstanceOfSatisfying(InvalidArgumentException.class, e -> assertThat(e.field()).isEqualTo("pack"));
    assertThatThrownBy(() -> new SetAutoRechargeCommand(ALICE, Asset.EUR, 10, null, 0, 0, true, RequestId.of("b")))
        .isInstanceOfSatisfying(InvalidArgumentException.class, e -> assertThat(e.field()).isEqualTo("amount"));
    assertThatThrownBy(() -> command(10, "standard", 0, 101, true, "b2"))
        .isInstanceOfSatisfying(
            InvalidArgumentException.class, e -> assertThat(e.field()).isEqualTo("monthly_limit"));
    grant(1000);
    savePaymentMethod();
    assertThatThrownBy(() -> set(10, "no-such-pack", 0, 0, true, "b3"))
        .isInstanceOfSatisfying(InvalidArgumentException.class, e -> assertThat(e.reason()).isEqualTo("UNKNOWN_PACK"));
    assertThatThrownBy(
            () -> recharges.set(new SetAutoRechargeCommand(ALICE, Asset.EUR, 10, null, 500, 0, true, RequestId.of("b4"))))
        .isInstanceOfSatisfying(InvalidArgumentException.class, e -> assertThat(e.field()).isEqualTo("amount"));
  }

  @Test
  void fifty_debits_below_the_threshold_request_one_recharge_and_one_charge_with_the_sequence_key() {
    grant(1000);
    savePaymentMethod();
    set(600, "standard", 0, 0, true, "s1");

    for (int i = 0; i < 50; i++) {
      wallets.checkAndDebit(debit(10, "d" + i));
    }
    assertThat(store.rechargeAttempts(ALICE)).hasSize(1);
    assertThat(recharges.dispatchDue()).isEqualTo(1);
    assertThat(recharges.dispatchDue()).isZero(); // handed over: not again
    assertThat(provider.charges).hasSize(1);
    OffSessionCharge charge = provider.charges.get(0);
    assertThat(charge.idempotencyKey()).isEqualTo("auto_recharge:alice:1");
    assertThat(charge.amountCents()).isEqualTo(3999);
    assertThat(charge.customerId()).isEqualTo("cus_1");
    assertThat(charge.paymentMethodId()).isEqualTo("pm_1");
    assertThat(charge.metadata())
        .containsEntry("kind", "auto_recharge")
        .containsEntry("account_id", "alice")
        .containsEntry("sequence", "1")
        .containsEntry("pack", "standard")
        .containsEntry("tokens", "500");
    assertThat(store.rechargeAttempts(ALICE).get(0).status()).isEqualTo(RechargeAttempt.Status.PENDING);
    assertThat(store.rechargeAttempts(ALICE).get(0).paymentIntentId()).isEqualTo("pi_1");
  }

  @Test
  void a_pending_recharge_blocks_a_second_until_its_success_grants_once_then_the_next_crossing_recharges() {
    grant(1000);
    savePaymentMethod();
    set(600, "standard", 0, 0, true, "s1");
    wallets.checkAndDebit(debit(500, "d1"));
    recharges.dispatchDue();
    wallets.checkAndDebit(debit(100, "d2")); // a second crossing while pending
    assertThat(store.rechargeAttempts(ALICE)).hasSize(1);
    assertThat(recharges.get(ALICE).pendingSequence()).isEqualTo(1);

    PaymentEvent.AutoRechargePaid paid =
        new PaymentEvent.AutoRechargePaid(ALICE, "pi_1", 1, PaymentKind.TOKEN_PACK, "standard", 500, 3999, "eur");
    assertThat(outcome(events.handle(received("payment_intent.succeeded"), paid)).code())
        .isEqualTo(EventOutcome.Code.GRANTED);
    // A second delivery (another event id) of the same success: nothing more.
    assertThat(outcome(events.handle(received("payment_intent.succeeded"), paid)).code())
        .isEqualTo(EventOutcome.Code.ALREADY_GRANTED);
    assertThat(balance()).isEqualTo(400 + 500);
    assertThat(recharges.get(ALICE).pendingSequence()).isZero();
    assertThat(store.rechargeAttempts(ALICE).get(0).status()).isEqualTo(RechargeAttempt.Status.SUCCEEDED);

    wallets.checkAndDebit(debit(400, "d3")); // 500 left: below 600 again
    assertThat(store.rechargeAttempts(ALICE)).hasSize(2);
    recharges.dispatchDue();
    assertThat(provider.charges).extracting(OffSessionCharge::idempotencyKey)
        .containsExactly("auto_recharge:alice:1", "auto_recharge:alice:2");
  }

  @Test
  void the_monthly_limit_stops_recharges_until_the_next_calendar_month() {
    grant(10_000);
    savePaymentMethod();
    set(20_000, "standard", 0, 2, true, "s1"); // already below: recharge 1 at once
    recharges.dispatchDue();
    settlePaid(1);
    for (int n = 2; n <= 3; n++) {
      wallets.checkAndDebit(debit(1, "d" + n));
      recharges.dispatchDue();
      settlePaid(n);
    }
    assertThat(provider.charges).hasSize(2);
    assertThat(recharges.get(ALICE).rechargesThisMonth()).isEqualTo(2);

    clock.set(Instant.parse("2027-01-01T00:00:01Z"));
    wallets.checkAndDebit(debit(1, "jan"));
    recharges.dispatchDue();
    assertThat(provider.charges).hasSize(3);
    assertThat(recharges.get(ALICE).rechargesThisMonth()).isEqualTo(1);
  }

  @Test
  void failures_back_off_notify_and_the_third_in_a_row_turns_it_off() {
    grant(1000);
    savePaymentMethod();
    provider.decline = true;
    set(600, "standard", 0, 0, true, "s1");

    wallets.checkAndDebit(debit(500, "d1"));
    recharges.dispatchDue();
    AutoRechargeView after1 = recharges.get(ALICE);
    assertThat(after1.failuresInRow()).isEqualTo(1);
    assertThat(after1.retryAfter()).isEqualTo(START.plus(Duration.ofHours(1)));
    assertThat(after1.rechargesThisMonth()).isZero(); // a failed charge is not a recharge
    assertThat(types()).containsSubsequence("auto_recharge.failed");
    // The provider's failure event for the same PaymentIntent arrives too: settled once.
    assertThat(
            outcome(events.handle(
                    received("payment_intent.payment_failed"),
                    new PaymentEvent.AutoRechargeFailed(ALICE, "pi_1", 1, "card_declined")))
                .code())
        .isEqualTo(EventOutcome.Code.RECHARGE_ALREADY_SETTLED);
    assertThat(recharges.get(ALICE).failuresInRow()).isEqualTo(1);

    wallets.checkAndDebit(debit(1, "d2")); // backing off: no new recharge
    assertThat(store.rechargeAttempts(ALICE)).hasSize(1);

    clock.set(START.plus(Duration.ofHours(1)));
    wallets.checkAndDebit(debit(1, "d3"));
    recharges.dispatchDue();
    assertThat(recharges.get(ALICE).failuresInRow()).isEqualTo(2);
    assertThat(recharges.get(ALICE).retryAfter()).isEqualTo(START.plus(Duration.ofHours(1 + 4)));

    clock.set(START.plus(Duration.ofHours(5)));
    wallets.checkAndDebit(debit(1, "d4"));
    recharges.dispatchDue();
    AutoRechargeView off = recharges.get(ALICE);
    assertThat(off.enabled()).isFalse();
    assertThat(off.failuresInRow()).isEqualTo(3);
    assertThat(off.disabledReason()).isEqualTo("3 recharges failed in a row");
    assertThat(types()).filteredOn("auto_recharge.failed"::equals).hasSize(3);
    assertThat(types()).filteredOn("auto_recharge.disabled"::equals).hasSize(1);

    clock.set(START.plus(Duration.ofDays(2)));
    wallets.checkAndDebit(debit(1, "d5")); // off: nothing
    assertThat(store.rechargeAttempts(ALICE)).hasSize(3);
    // Turning it on again forgets the failures.
    provider.decline = false;
    assertThat(set(600, "standard", 0, 0, true, "s2").failuresInRow()).isZero();
    assertThat(store.rechargeAttempts(ALICE)).hasSize(4); // already below: recharged at once
  }

  @Test
  void an_unreachable_provider_leaves_the_recharge_requested_and_it_is_handed_over_again_with_the_same_key() {
    grant(1000);
    savePaymentMethod();
    set(600, "standard", 0, 0, true, "s1");
    provider.unavailable = true;
    wallets.checkAndDebit(debit(500, "d1"));
    assertThat(recharges.dispatchDue()).isZero();
    assertThat(store.rechargeAttempts(ALICE).get(0).status()).isEqualTo(RechargeAttempt.Status.REQUESTED);
    provider.unavailable = false;
    assertThat(recharges.dispatchDue()).isZero(); // claimed until the lease ends
    clock.set(START.plusSeconds(61));
    assertThat(recharges.dispatchDue()).isEqualTo(1);
    assertThat(provider.attemptsByKey).containsEntry("auto_recharge:alice:1", 2);
  }

  @Test
  void an_eur_top_up_recharge_grants_the_amount_received_and_a_late_success_after_a_failure_still_grants() {
    store.inTransaction(ALICE, dev.obol.domain.port.AccountStore.LockMode.CREATE_IF_MISSING, s -> null);
    wallets.grant(
        GrantCommand.of(ALICE, Asset.EUR, 3000, GrantSource.TOP_UP, "test", RequestId.of("g-eur")));
    savePaymentMethod();
    recharges.set(new SetAutoRechargeCommand(ALICE, Asset.EUR, 2500, null, 2000, 0, true, RequestId.of("s1")));
    wallets.checkAndDebit(
        new DebitCommand(ALICE, Pricing.of(null, 0, Asset.EUR, 1000), RequestId.of("fee"), Map.of()));
    provider.decline = true;
    recharges.dispatchDue();
    assertThat(provider.charges.get(0).amountCents()).isEqualTo(2000);
    assertThat(provider.charges.get(0).metadata()).containsEntry("amount", "2000").containsEntry("asset", "EUR");
    assertThat(recharges.get(ALICE).failuresInRow()).isEqualTo(1);

    // The money arrived after all (e.g. Stripe retried the card): granted, and the failure forgotten.
    events.handle(
        received("payment_intent.succeeded"),
        new PaymentEvent.AutoRechargePaid(ALICE, "pi_1", 1, PaymentKind.TOP_UP, null, 2000, 2000, "eur"));
    assertThat(wallets.balances(ALICE, Asset.EUR).get(0).balance()).isEqualTo(2000 + 2000);
    assertThat(recharges.get(ALICE).failuresInRow()).isZero();
    assertThat(recharges.get(ALICE).rechargesThisMonth()).isEqualTo(1);
  }

  // ---- helpers ----------------------------------------------------------------------------------------------------

  void settlePaid(long sequence) {
    events.handle(
        received("payment_intent.succeeded"),
        new PaymentEvent.AutoRechargePaid(
            ALICE, "pi_" + sequence, sequence, PaymentKind.TOKEN_PACK, "standard", 500, 3999, "eur"));
  }

  List<String> types() {
    return store.notifications(ALICE).stream().map(Notification::type).map(t -> t.wireName()).toList();
  }

  long balance() {
    return wallets.balances(ALICE, Asset.TOKEN).get(0).balance();
  }

  void grant(long tokens) {
    wallets.grant(GrantCommand.of(ALICE, Asset.TOKEN, tokens, GrantSource.PURCHASE, "test", RequestId.of("g")));
  }

  void savePaymentMethod() {
    store.inTransaction(ALICE, dev.obol.domain.port.AccountStore.LockMode.CREATE_IF_MISSING, s -> null);
    events.handle(
        received("payment_method.attached"), new PaymentEvent.PaymentMethodSaved(ALICE, "cus_1", "pm_1"));
  }

  ReceivedEvent received(String type) {
    return new ReceivedEvent("evt_" + eventIds.incrementAndGet(), type, "{}", clock.instant());
  }

  static EventOutcome outcome(EventResult result) {
    return ((EventResult.Processed) result).outcome();
  }

  DebitCommand debit(long tokens, String requestId) {
    return new DebitCommand(ALICE, Pricing.of(null, 0, Asset.TOKEN, tokens), RequestId.of(requestId), Map.of());
  }

  SetAutoRechargeCommand command(long threshold, String pack, long amount, int limit, boolean enabled, String rid) {
    return new SetAutoRechargeCommand(ALICE, Asset.TOKEN, threshold, pack, amount, limit, enabled, RequestId.of(rid));
  }

  AutoRechargeView set(long threshold, String pack, long amount, int limit, boolean enabled, String rid) {
    return recharges.set(command(threshold, pack, amount, limit, enabled, rid));
  }

  /** Stripe as the dispatcher sees it: one PaymentIntent per idempotency key. */
  static final class RecordingProvider implements StoredCardPayments {
    final List<OffSessionCharge> charges = new ArrayList<>();
    final Map<String, Integer> attemptsByKey = new java.util.HashMap<>();
    boolean decline;
    boolean unavailable;

    @Override
    public String createCustomer(String accountId, String email, String idempotencyKey) {
      return "cus_" + accountId;
    }

    @Override
    public OffSessionResult chargeOffSession(OffSessionCharge charge) {
      attemptsByKey.merge(charge.idempotencyKey(), 1, Integer::sum);
      if (unavailable) {
        throw new UnavailableException("PAYMENT_PROVIDER_UNAVAILABLE", "down");
      }
      charges.add(charge);
      String pi = "pi_" + charges.size();
      return decline
          ? new OffSessionResult.Declined(pi, "card_declined (insufficient_funds)")
          : new OffSessionResult.Accepted(pi, "processing");
    }
  }
}
