package dev.obol.domain.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.Grant;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.payment.BonusRule;
import dev.obol.domain.payment.EventOutcome.Code;
import dev.obol.domain.payment.Payment.Reversal;
import dev.obol.domain.payment.PaymentCatalog;
import dev.obol.domain.payment.PaymentEvent.DisputeWon;
import dev.obol.domain.payment.PaymentEvent.PaymentReversed;
import dev.obol.domain.payment.PaymentEvent.PurchasePaid;
import dev.obol.domain.payment.PaymentEvent.ReversalKind;
import dev.obol.domain.payment.PaymentKind;
import dev.obol.domain.port.AccountStore.LockMode;
import dev.obol.domain.port.PaymentSession;
import dev.obol.domain.testing.InMemoryAccountStore;
import dev.obol.domain.testing.InMemoryLedgerAudit;
import dev.obol.domain.testing.InMemoryPaymentStore;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.domain.testing.MutableClock;
import dev.obol.domain.testing.SequentialIds;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Top-up and pack bonuses: granted once with the purchase, taken back in proportion by a refund. */
class BonusEventsTest {

  private static final AccountId ACCOUNT = AccountId.of("teacher-1");

  private final MutableClock clock = MutableClock.at("2026-12-03T10:00:00Z");
  private final InMemoryAccountStore accounts = new InMemoryAccountStore(clock);
  private final InMemoryPaymentStore payments = new InMemoryPaymentStore(accounts);
  private final PaymentCatalog catalog =
      new PaymentCatalog(
          PaymentCatalog.defaultPacks(),
          PaymentCatalog.defaultPlans(),
          2000,
          100_000,
          List.of(
              new BonusRule("topup-50", PaymentKind.TOP_UP, 5000, 10, 0, Duration.ofDays(365)),
              new BonusRule("topup-100", PaymentKind.TOP_UP, 10_000, 20, 0, Duration.ofDays(365)),
              new BonusRule("big-pack", PaymentKind.TOKEN_PACK, 6999, 0, 100, null)));
  private final PurchaseEvents purchases = new PurchaseEvents(new GrantWriter(new SequentialIds()), catalog);
  private final RefundEvents refunds = new RefundEvents();

  @RegisterExtension
  final LedgerInvariantExtension ledgerInvariant =
      LedgerInvariantExtension.over(new InMemoryLedgerAudit(accounts), clock::instant);

  @Test
  void theHighestTierThatAppliesGrantsItsBonusAsAPromoGrantOnceWithThePurchase() {
    PurchasePaid paid = topUp("cs_1", "pi_1", 10_000);

    assertThat(pay(paid).detail()).contains("bonus 2000 (topup-100)");
    assertThat(pay(paid).code()).isEqualTo(Code.ALREADY_GRANTED);

    List<Grant> grants = accounts.openGrants(ACCOUNT, Asset.EUR);
    assertThat(grants).hasSize(2);
    Grant bonus = grants.stream().filter(g -> g.source() == GrantSource.PROMO).findFirst().orElseThrow();
    assertThat(bonus.amount()).isEqualTo(2000);
    assertThat(bonus.reason()).isEqualTo("bonus:topup-100");
    assertThat(bonus.reference()).isEqualTo("cs_1");
    assertThat(bonus.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(365)));
  }

  @Test
  void aPurchaseBelowEveryTierHasNoBonus() {
    assertThat(pay(topUp("cs_2", "pi_2", 4999)).detail()).doesNotContain("bonus");
    assertThat(accounts.openGrants(ACCOUNT, Asset.EUR)).hasSize(1);
    assertThat(pay(topUp("cs_3", "pi_3", 5000)).detail()).contains("bonus 500 (topup-50)");
  }

  @Test
  void aFixedBonusOnAPackNeverExpires() {
    PurchasePaid paid = new PurchasePaid(ACCOUNT, "cs_p", "pi_p", PaymentKind.TOKEN_PACK, "premium", 1000, 6999, "eur");
    pay(paid);
    Grant bonus =
        accounts.openGrants(ACCOUNT, Asset.TOKEN).stream()
            .filter(g -> g.source() == GrantSource.PROMO)
            .findFirst()
            .orElseThrow();
    assertThat(bonus.amount()).isEqualTo(100);
    assertThat(bonus.expiresAt()).isNull();
  }

  @Test
  void aRefundTakesTheBonusBackInProportionAndAWonDisputeGivesItBack() {
    pay(topUp("cs_1", "pi_1", 10_000));

    onAccount(s -> refunds.reversed(s, new PaymentReversed(ACCOUNT, "pi_1", ReversalKind.REFUND, "ch_1", 5000), ctx()));
    assertThat(remaining(GrantSource.TOP_UP)).isEqualTo(5000);
    assertThat(remaining(GrantSource.PROMO)).isEqualTo(1000);
    assertThat(onAccount(s -> s.findBonus("cs_1")).orElseThrow().reversal()).isEqualTo(new Reversal(5000, 1000, 0));

    // A redelivered refund takes nothing more; the rest of it takes the rest.
    onAccount(s -> refunds.reversed(s, new PaymentReversed(ACCOUNT, "pi_1", ReversalKind.REFUND, "ch_1", 5000), ctx()));
    assertThat(remaining(GrantSource.PROMO)).isEqualTo(1000);
    onAccount(
        s -> refunds.reversed(s, new PaymentReversed(ACCOUNT, "pi_1", ReversalKind.REFUND, "ch_1", 10_000), ctx()));
    assertThat(remaining(GrantSource.PROMO)).isZero();
    assertThat(remaining(GrantSource.TOP_UP)).isZero();
  }

  @Test
  void aDisputeTakesTheBonusTooAndWinningItRestoresIt() {
    pay(topUp("cs_1", "pi_1", 10_000));
    onAccount(s -> refunds.reversed(s, new PaymentReversed(null, "pi_1", ReversalKind.DISPUTE, "dp_1", 10_000), ctx()));
    assertThat(remaining(GrantSource.PROMO)).isZero();

    assertThat(onAccount(s -> refunds.disputeWon(s, new DisputeWon(null, "pi_1", "dp_1", 10_000), ctx())).code())
        .isEqualTo(Code.RESTORED);
    assertThat(remaining(GrantSource.PROMO)).isEqualTo(2000);
    assertThat(remaining(GrantSource.TOP_UP)).isEqualTo(10_000);
  }

  @Test
  void rulesAreValidatedAndPercentagesRoundDown() {
    assertThat(new BonusRule("b", PaymentKind.TOP_UP, 1, 15, 0, null).amountFor(333)).isEqualTo(49);
    assertThat(new BonusRule("b", PaymentKind.TOP_UP, 1, 1000, 0, null).amountFor(Long.MAX_VALUE / 20))
        .isEqualTo(Long.MAX_VALUE / 20 * 10);
    assertThatThrownBy(() -> new BonusRule("b", PaymentKind.TOP_UP, 1, 10, 5, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BonusRule("b", PaymentKind.SUBSCRIPTION_INVOICE, 1, 10, 0, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BonusRule("b", PaymentKind.TOP_UP, 0, 10, 0, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private dev.obol.domain.payment.EventOutcome pay(PurchasePaid paid) {
    return onAccount(s -> purchases.paid(s, paid, new EventContext(RequestId.of("stripe:evt_" + paid.sessionId()), clock.instant())));
  }

  private static PurchasePaid topUp(String session, String intent, long cents) {
    return new PurchasePaid(ACCOUNT, session, intent, PaymentKind.TOP_UP, null, cents, cents, "eur");
  }

  private EventContext ctx() {
    return new EventContext(RequestId.of("stripe:evt_r"), clock.instant());
  }

  private long remaining(GrantSource source) {
    return accounts.snapshot().grants().stream()
        .filter(g -> g.accountId().equals(ACCOUNT) && g.source() == source)
        .mapToLong(Grant::remaining)
        .sum();
  }

  private <T> T onAccount(Function<PaymentSession, T> work) {
    return payments.inTransaction(ACCOUNT, LockMode.CREATE_IF_MISSING, work);
  }
}
