package dev.obol.domain.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Grant;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.payment.BillingInterval;
import dev.obol.domain.payment.EventOutcome;
import dev.obol.domain.payment.EventOutcome.Code;
import dev.obol.domain.payment.PaymentEvent.SubscriptionCheckoutCompleted;
import dev.obol.domain.payment.PaymentEvent.SubscriptionEnded;
import dev.obol.domain.payment.PaymentEvent.SubscriptionInvoicePaid;
import dev.obol.domain.payment.PaymentEvent.SubscriptionPaymentFailed;
import dev.obol.domain.payment.PlanTerms;
import dev.obol.domain.payment.Subscription;
import dev.obol.domain.payment.SubscriptionStatus;
import dev.obol.domain.port.AccountStore.LockMode;
import dev.obol.domain.port.PaymentSession;
import dev.obol.domain.testing.InMemoryAccountStore;
import dev.obol.domain.testing.InMemoryPaymentStore;
import dev.obol.domain.testing.InMemoryLedgerAudit;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.domain.testing.MutableClock;
import dev.obol.domain.testing.SequentialIds;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Linking, invoices paid and failed, the end, and the yearly plans' scheduled months, over the in-memory stores. */
class SubscriptionEventsTest {

  private static final AccountId ACCOUNT = AccountId.of("acct-1");
  private static final Instant NOV_1 = Instant.parse("2026-11-01T00:00:00Z");
  private static final Instant DEC_1 = Instant.parse("2026-12-01T00:00:00Z");
  private static final Instant JAN_1 = Instant.parse("2027-01-01T00:00:00Z");
  private static final PlanTerms MONTHLY = new PlanTerms("monthly", 3000, 0, BillingInterval.MONTH);
  private static final PlanTerms YEARLY = new PlanTerms("yearly", 3000, 0, BillingInterval.YEAR);

  private final MutableClock clock = MutableClock.at(NOV_1.plus(Duration.ofHours(10)));
  private final InMemoryAccountStore accounts = new InMemoryAccountStore(clock);

  @RegisterExtension
  final LedgerInvariantExtension ledgerInvariant =
      LedgerInvariantExtension.over(new InMemoryLedgerAudit(accounts), clock::instant);
  private final InMemoryPaymentStore payments = new InMemoryPaymentStore(accounts);
  private final GrantWriter grants = new GrantWriter(new SequentialIds());
  private final SubscriptionEvents subscriptions = new SubscriptionEvents(payments, new QuotaPolicy(grants), clock);

  @Test
  void aCheckoutLinksTheSubscriptionWithoutGrantingAnything() {
    SubscriptionCheckoutCompleted completed =
        new SubscriptionCheckoutCompleted(ACCOUNT, "cs_1", "sub_1", "cus_1", MONTHLY);

    EventOutcome outcome = onAccount(s -> subscriptions.checkoutCompleted(s, completed, context()));

    assertThat(outcome.code()).isEqualTo(Code.SUBSCRIPTION_LINKED);
    assertThat(subscription().customerId()).isEqualTo("cus_1");
    assertThat(subscription().status()).isEqualTo(SubscriptionStatus.ACTIVE);
    assertThat(accounts.grants(ACCOUNT)).isEmpty();
  }

  @Test
  void aPaidInvoiceStartsItsQuotaPeriodOnceByItsInvoiceId() {
    EventOutcome outcome = onAccount(s -> subscriptions.invoicePaid(s, invoice("in_1", MONTHLY, DEC_1), context()));
    EventOutcome again = onAccount(s -> subscriptions.invoicePaid(s, invoice("in_1", MONTHLY, DEC_1), context()));

    assertThat(outcome.code()).isEqualTo(Code.QUOTA_PERIOD_STARTED);
    assertThat(again.code()).isEqualTo(Code.ALREADY_GRANTED);
    assertThat(quotaGrants()).singleElement().satisfies(grant -> {
      assertThat(grant.amount()).isEqualTo(3000);
      assertThat(grant.expiresAt()).isEqualTo(DEC_1);
      assertThat(grant.reason()).isEqualTo(QuotaPolicy.REASON_INITIAL);
    });
    assertThat(payments.payments(ACCOUNT)).singleElement().satisfies(payment -> {
      assertThat(payment.paidCents()).isEqualTo(990);
      assertThat(payment.grantedAmount()).isEqualTo(3000);
      assertThat(payment.grantId()).isEqualTo(quotaGrants().get(0).grantId());
    });
    assertThat(subscription().paidUntil()).isEqualTo(DEC_1);
    assertThat(subscription().nextPeriodAt()).as("a monthly plan's next month is its next invoice").isNull();
  }

  @Test
  void anInvoiceForAPeriodAlreadyOverIsRecordedButGrantsNothing() {
    clock.set(DEC_1.plusSeconds(1));

    EventOutcome outcome = onAccount(s -> subscriptions.invoicePaid(s, invoice("in_1", MONTHLY, DEC_1), context()));

    assertThat(outcome.code()).isEqualTo(Code.QUOTA_PERIOD_SKIPPED);
    assertThat(quotaGrants()).isEmpty();
    assertThat(payments.payments(ACCOUNT)).singleElement().satisfies(payment -> {
      assertThat(payment.grantId()).isNull();
      assertThat(payment.grantedAmount()).isZero();
    });
  }

  @Test
  void aFailedInvoiceMakesThePlanPastDueUnlessItWasPaidSince() {
    SubscriptionPaymentFailed failed = new SubscriptionPaymentFailed(ACCOUNT, "in_1", "sub_1", MONTHLY);

    assertThat(onAccount(s -> subscriptions.paymentFailed(s, failed, context())).code()).isEqualTo(Code.PAST_DUE);
    assertThat(subscription().status()).isEqualTo(SubscriptionStatus.PAST_DUE);

    onAccount(s -> subscriptions.invoicePaid(s, invoice("in_1", MONTHLY, DEC_1), context()));
    assertThat(subscription().status()).isEqualTo(SubscriptionStatus.ACTIVE);
    assertThat(onAccount(s -> subscriptions.paymentFailed(s, failed, context())).code()).isEqualTo(Code.IGNORED);
    assertThat(subscription().status()).isEqualTo(SubscriptionStatus.ACTIVE);
  }

  @Test
  void anEndedSubscriptionStaysEndedAndIssuesNoFurtherMonths() {
    onAccount(s -> subscriptions.invoicePaid(s, invoice("in_1", YEARLY, NOV_1.plus(Duration.ofDays(365))), context()));
    SubscriptionEnded ended = new SubscriptionEnded(ACCOUNT, "sub_1", YEARLY, clock.instant());

    assertThat(onAccount(s -> subscriptions.ended(s, ended, context())).code()).isEqualTo(Code.SUBSCRIPTION_ENDED);
    onAccount(s -> subscriptions.invoicePaid(s, invoice("in_2", YEARLY, DEC_1), context()));

    assertThat(subscription().status()).isEqualTo(SubscriptionStatus.ENDED);
    assertThat(subscription().nextPeriodAt()).isNull();
    clock.set(DEC_1.plusSeconds(60));
    assertThat(subscriptions.issueDueQuotaPeriods()).isZero();
  }

  @Test
  void aYearlyPlansLaterMonthsAreIssuedByTheSchedulerOnceEach() {
    onAccount(s -> subscriptions.invoicePaid(s, invoice("in_1", YEARLY, NOV_1.plus(Duration.ofDays(365))), context()));
    assertThat(subscription().nextPeriodAt()).isEqualTo(DEC_1);
    assertThat(subscriptions.issueDueQuotaPeriods()).as("nothing due before December").isZero();

    clock.set(DEC_1.plusSeconds(60));

    assertThat(subscriptions.issueDueQuotaPeriods()).isEqualTo(1);
    assertThat(subscriptions.issueDueQuotaPeriods()).isZero();
    assertThat(subscription().nextPeriodAt()).isEqualTo(JAN_1);
    assertThat(quotaGrants()).extracting(Grant::expiresAt).containsExactly(DEC_1, JAN_1);
    assertThat(quotaGrants()).last().satisfies(grant -> {
      assertThat(grant.reason()).isEqualTo(QuotaPolicy.REASON_RENEWAL);
      assertThat(grant.reference()).isEqualTo("sub_1");
    });
  }

  private SubscriptionInvoicePaid invoice(String invoiceId, PlanTerms terms, Instant periodEnd) {
    return new SubscriptionInvoicePaid(ACCOUNT, invoiceId, "sub_1", "cus_1", terms, true, NOV_1, periodEnd, 990);
  }

  private EventContext context() {
    return new EventContext(RequestId.of("stripe:evt_" + clock.instant().getEpochSecond()), clock.instant());
  }

  private Subscription subscription() {
    return onAccount(s -> s.findSubscription("sub_1")).orElseThrow();
  }

  private List<Grant> quotaGrants() {
    return accounts.grants(ACCOUNT).stream().filter(g -> g.source() == GrantSource.SUBSCRIPTION_QUOTA).toList();
  }

  private <T> T onAccount(Function<PaymentSession, T> work) {
    return payments.inTransaction(ACCOUNT, LockMode.CREATE_IF_MISSING, work);
  }
}
