package dev.obol.domain.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.EntryContext;
import dev.obol.domain.model.EntryKind;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.Wallet;
import dev.obol.domain.payment.EventOutcome;
import dev.obol.domain.payment.EventOutcome.Code;
import dev.obol.domain.payment.Payment;
import dev.obol.domain.payment.Payment.Reversal;
import dev.obol.domain.payment.PaymentEvent.DisputeWon;
import dev.obol.domain.payment.PaymentEvent.PaymentReversed;
import dev.obol.domain.payment.PaymentEvent.PurchasePaid;
import dev.obol.domain.payment.PaymentEvent.ReversalKind;
import dev.obol.domain.payment.PaymentKind;
import dev.obol.domain.port.AccountStore.LockMode;
import dev.obol.domain.port.PaymentSession;
import dev.obol.domain.testing.InMemoryAccountStore;
import dev.obol.domain.testing.InMemoryLedgerAudit;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.domain.testing.InMemoryPaymentStore;
import dev.obol.domain.testing.MutableClock;
import dev.obol.domain.testing.SequentialIds;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Refunds and disputes take back the purchase's share of its grant; a won dispute gives it back. */
class RefundEventsTest {

  private static final AccountId ACCOUNT = AccountId.of("acct-1");
  private static final String INTENT = "pi_1";

  private final MutableClock clock = MutableClock.at("2026-11-01T10:00:00Z");
  private final InMemoryAccountStore accounts = new InMemoryAccountStore(clock);
  private final InMemoryPaymentStore payments = new InMemoryPaymentStore(accounts);
  private final RefundEvents refunds = new RefundEvents();
  private final EventContext context = new EventContext(RequestId.of("stripe:evt_r"), clock.instant());

  /** 500 tokens for 3999 cents. */
  @BeforeEach
  void aPackWasBought() {
    PurchaseEvents purchases = new PurchaseEvents(new GrantWriter(new SequentialIds()));
    PurchasePaid paid = new PurchasePaid(ACCOUNT, "cs_1", INTENT, PaymentKind.TOKEN_PACK, "basic", 500, 3999, "eur");
    onAccount(s -> purchases.paid(s, paid, new EventContext(RequestId.of("stripe:evt_p"), clock.instant())));
  }

  @RegisterExtension
  final LedgerInvariantExtension ledgerInvariant =
      LedgerInvariantExtension.over(new InMemoryLedgerAudit(accounts), clock::instant);

  @Test
  void aFullRefundTakesBackTheWholeGrant() {
    EventOutcome outcome = onAccount(s -> refunds.reversed(s, refund(3999), context));

    assertThat(outcome.code()).isEqualTo(Code.CLAWED_BACK);
    assertThat(remaining()).isZero();
    assertThat(payment().reversal()).isEqualTo(new Reversal(3999, 500, 0));
    assertThat(accounts.entries(ACCOUNT))
        .filteredOn(e -> e.entry().kind() == EntryKind.CLAWBACK)
        .singleElement()
        .satisfies(e -> assertThat(e.entry().reason()).isEqualTo("refund:ch_1"));
  }

  @Test
  void partialRefundsAreCumulativeAndARedeliveredOneTakesNothingMore() {
    onAccount(s -> refunds.reversed(s, refund(2000), context));
    assertThat(remaining()).isEqualTo(250);

    onAccount(s -> refunds.reversed(s, refund(3999), context));
    EventOutcome again = onAccount(s -> refunds.reversed(s, refund(3999), context));

    assertThat(again.code()).isEqualTo(Code.NOTHING_TO_CLAW_BACK);
    assertThat(remaining()).isZero();
    assertThat(payment().reversal()).isEqualTo(new Reversal(3999, 500, 0));
  }

  @Test
  void whatWasSpentAlreadyIsRecordedAsShortfallNotTakenFromElsewhere() {
    spend(400);

    EventOutcome outcome = onAccount(s -> refunds.reversed(s, dispute(3999), context));

    assertThat(outcome.code()).isEqualTo(Code.CLAWED_BACK);
    assertThat(payment().reversal()).isEqualTo(new Reversal(3999, 100, 400));
    assertThat(remaining()).isZero();
  }

  @Test
  void aWonDisputeForgivesTheShortfallFirstThenRestoresWhatWasTaken() {
    spend(100);
    onAccount(s -> refunds.reversed(s, dispute(3999), context));

    EventOutcome outcome = onAccount(s -> refunds.disputeWon(s, new DisputeWon(null, INTENT, "dp_1", 3999), context));

    assertThat(outcome.code()).isEqualTo(Code.RESTORED);
    assertThat(payment().reversal()).isEqualTo(Reversal.NONE);
    assertThat(remaining()).isEqualTo(400);
    assertThat(onAccount(s -> refunds.disputeWon(s, new DisputeWon(null, INTENT, "dp_1", 3999), context)).code())
        .isEqualTo(Code.NOTHING_TO_RESTORE);
  }

  @Test
  void aReversalOfAPaymentObolDoesNotKnowIsIgnoredButShouldNotFail() {
    PaymentReversed unknown = new PaymentReversed(ACCOUNT, "pi_other", ReversalKind.REFUND, "ch_2", 100);

    assertThat(onAccount(s -> refunds.reversed(s, unknown, context)).code()).isEqualTo(Code.IGNORED);
    assertThat(onAccount(s -> refunds.disputeWon(s, new DisputeWon(null, "pi_other", "dp", 100), context)).code())
        .isEqualTo(Code.IGNORED);
  }

  @Test
  void aPaymentThatGrantedNothingHasNothingToClawBackOrRestore() {
    onAccount(s -> {
      s.insertPayment(
          Payment.newGrant(ACCOUNT, "in_1", PaymentKind.SUBSCRIPTION_INVOICE, "pi_in", null, 0, 990, null,
              clock.instant()));
      return null;
    });
    PaymentReversed refund = new PaymentReversed(ACCOUNT, "pi_in", ReversalKind.REFUND, "ch_in", 990);

    assertThat(onAccount(s -> refunds.reversed(s, refund, context)).code()).isEqualTo(Code.NOTHING_TO_CLAW_BACK);
    assertThat(onAccount(s -> refunds.disputeWon(s, new DisputeWon(null, "pi_in", "dp", 990), context)).code())
        .isEqualTo(Code.NOTHING_TO_RESTORE);
  }

  private void spend(long tokens) {
    onAccount(s -> {
      Wallet wallet = s.wallet().loadWallet(Asset.TOKEN, java.util.List.of());
      wallet.debit(tokens, EntryKind.DEBIT, EntryContext.of("spend", null, clock.instant()));
      s.wallet().save(wallet);
      return null;
    });
  }

  private long remaining() {
    return accounts.grant(ACCOUNT, payment().grantId()).orElseThrow().remaining();
  }

  private Payment payment() {
    return payments.payments(ACCOUNT).stream().filter(p -> p.providerId().equals("cs_1")).findFirst().orElseThrow();
  }

  private <T> T onAccount(Function<PaymentSession, T> work) {
    return payments.inTransaction(ACCOUNT, LockMode.CREATE_IF_MISSING, work);
  }

  private static PaymentReversed refund(long cumulativeCents) {
    return new PaymentReversed(ACCOUNT, INTENT, ReversalKind.REFUND, "ch_1", cumulativeCents);
  }

  private static PaymentReversed dispute(long disputedCents) {
    return new PaymentReversed(null, INTENT, ReversalKind.DISPUTE, "dp_1", disputedCents);
  }
}
