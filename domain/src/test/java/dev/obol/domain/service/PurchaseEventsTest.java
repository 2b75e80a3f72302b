package dev.obol.domain.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.payment.EventOutcome;
import dev.obol.domain.payment.EventOutcome.Code;
import dev.obol.domain.payment.Payment;
import dev.obol.domain.payment.PaymentEvent.PurchaseFailed;
import dev.obol.domain.payment.PaymentEvent.PurchasePaid;
import dev.obol.domain.payment.PaymentEvent.PurchasePending;
import dev.obol.domain.payment.PaymentKind;
import dev.obol.domain.port.AccountStore.LockMode;
import dev.obol.domain.port.PaymentSession;
import dev.obol.domain.testing.InMemoryAccountStore;
import dev.obol.domain.testing.InMemoryPaymentStore;
import dev.obol.domain.testing.InMemoryLedgerAudit;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.domain.testing.MutableClock;
import dev.obol.domain.testing.SequentialIds;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Packs and top-ups grant once by their checkout session; pending and failed checkouts write nothing. */
class PurchaseEventsTest {

  private static final AccountId ACCOUNT = AccountId.of("acct-1");

  private final MutableClock clock = MutableClock.at("2026-11-01T10:00:00Z");
  private final InMemoryAccountStore accounts = new InMemoryAccountStore(clock);

  @RegisterExtension
  final LedgerInvariantExtension ledgerInvariant =
      LedgerInvariantExtension.over(new InMemoryLedgerAudit(accounts), clock::instant);
  private final InMemoryPaymentStore payments = new InMemoryPaymentStore(accounts);
  private final PurchaseEvents purchases = new PurchaseEvents(new GrantWriter(new SequentialIds()));
  private final EventContext context = new EventContext(RequestId.of("stripe:evt_1"), clock.instant());

  @Test
  void aPaidPackGrantsItsTokensAndRecordsThePaymentWithNothingReversed() {
    EventOutcome outcome = onAccount(s -> purchases.paid(s, pack("cs_1"), context));

    assertThat(outcome.code()).isEqualTo(Code.GRANTED);
    assertThat(accounts.grants(ACCOUNT)).singleElement().satisfies(grant -> {
      assertThat(grant.amount()).isEqualTo(500);
      assertThat(grant.asset()).isEqualTo(Asset.TOKEN);
      assertThat(grant.source()).isEqualTo(GrantSource.PURCHASE);
      assertThat(grant.reference()).isEqualTo("cs_1");
      assertThat(grant.reason()).isEqualTo("token_pack:basic");
    });
    assertThat(payments.payments(ACCOUNT)).singleElement().satisfies(payment -> {
      assertThat(payment.paidCents()).isEqualTo(3999);
      assertThat(payment.grantedAmount()).isEqualTo(500);
      assertThat(payment.paymentIntentId()).isEqualTo("pi_cs_1");
      assertThat(payment.reversal()).isEqualTo(Payment.Reversal.NONE);
    });
  }

  @Test
  void theSameSessionPaidAgainIsAlreadyGrantedAndGrantsNothingMore() {
    onAccount(s -> purchases.paid(s, pack("cs_1"), context));

    EventOutcome again = onAccount(s -> purchases.paid(s, pack("cs_1"), context));

    assertThat(again.code()).isEqualTo(Code.ALREADY_GRANTED);
    assertThat(accounts.grants(ACCOUNT)).hasSize(1);
  }

  @Test
  void aTopUpGrantsTheCentsPaidAsEur() {
    PurchasePaid topUp = new PurchasePaid(ACCOUNT, "cs_t", "pi_t", PaymentKind.TOP_UP, null, 2500, 2500, "eur");

    assertThat(onAccount(s -> purchases.paid(s, topUp, context)).code()).isEqualTo(Code.GRANTED);
    assertThat(accounts.grants(ACCOUNT)).singleElement().satisfies(grant -> {
      assertThat(grant.asset()).isEqualTo(Asset.EUR);
      assertThat(grant.amount()).isEqualTo(2500);
      assertThat(grant.reason()).isEqualTo("top_up");
    });
  }

  @Test
  void aPurchaseThatGrantsNothingIsRefusedBeforeAnyAccountIsTouched() {
    assertThat(purchases.refusal(new PurchasePaid(ACCOUNT, "cs_0", "pi", PaymentKind.TOP_UP, null, 0, 0, "eur")))
        .hasValueSatisfying(outcome -> assertThat(outcome.code()).isEqualTo(Code.IGNORED));
    assertThat(purchases.refusal(new PurchasePaid(ACCOUNT, "cs_n", "pi", PaymentKind.TOP_UP, null, 5, -1, "eur")))
        .isPresent();
    assertThat(purchases.refusal(pack("cs_1"))).isEmpty();
  }

  @Test
  void aPendingCheckoutAwaitsItsPaymentAndIsAlreadyGrantedOnceItIsPaid() {
    assertThat(onAccount(s -> purchases.pending(s, new PurchasePending(ACCOUNT, "cs_1"))).code())
        .isEqualTo(Code.AWAITING_PAYMENT);
    assertThat(accounts.grants(ACCOUNT)).isEmpty();

    onAccount(s -> purchases.paid(s, pack("cs_1"), context));

    assertThat(onAccount(s -> purchases.pending(s, new PurchasePending(ACCOUNT, "cs_1"))).code())
        .isEqualTo(Code.ALREADY_GRANTED);
  }

  @Test
  void aFailedCheckoutGrantsNothing() {
    assertThat(purchases.failed(new PurchaseFailed(ACCOUNT, "cs_1")).code()).isEqualTo(Code.PAYMENT_FAILED);
    assertThat(accounts.grants(ACCOUNT)).isEmpty();
  }

  private <T> T onAccount(Function<PaymentSession, T> work) {
    return payments.inTransaction(ACCOUNT, LockMode.CREATE_IF_MISSING, work);
  }

  private static PurchasePaid pack(String sessionId) {
    return new PurchasePaid(ACCOUNT, sessionId, "pi_" + sessionId, PaymentKind.TOKEN_PACK, "basic", 500, 3999, "eur");
  }
}
