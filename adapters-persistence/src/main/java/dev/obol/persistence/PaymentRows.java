package dev.obol.persistence;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.payment.BillingInterval;
import dev.obol.domain.payment.EventOutcome;
import dev.obol.domain.payment.Payment;
import dev.obol.domain.payment.PaymentKind;
import dev.obol.domain.payment.PlanTerms;
import dev.obol.domain.payment.QuotaPeriod;
import dev.obol.domain.payment.RecordedEvent;
import dev.obol.domain.payment.Subscription;
import dev.obol.domain.payment.SubscriptionStatus;
import dev.obol.domain.port.PaymentStore.SubscriptionRef;

/** The payment adapter's one mapping between the payment tables' rows and the domain's records, both ways. */
final class PaymentRows {

  private PaymentRows() {}

  static RecordedEvent recordedEvent(StripeEventRow row) {
    EventOutcome outcome = EventOutcome.of(EventOutcome.Code.valueOf(row.outcome()), row.detail());
    return new RecordedEvent(row.eventId(), row.type(), row.payload(), outcome);
  }

  static PostgresPaymentStore.StoredEvent storedEvent(StripeEventRow row) {
    return new PostgresPaymentStore.StoredEvent(
        row.eventId(), row.type(), row.accountId(), row.outcome(), row.detail(), row.payload());
  }

  /** A new row: {@code updated_at} starts at {@code created_at}. */
  static PaymentRow row(Payment payment, AccountId accountId) {
    return new PaymentRow(
        accountId.value(),
        payment.providerId(),
        payment.kind().name(),
        payment.paymentIntentId(),
        payment.grantId(),
        payment.asset().name(),
        payment.grantedAmount(),
        payment.paidCents(),
        payment.currency(),
        payment.reversal().reversedCents(),
        payment.reversal().clawedBack(),
        payment.reversal().shortfall(),
        payment.createdAt(),
        payment.createdAt());
  }

  static Payment payment(PaymentRow row) {
    return new Payment(
        AccountId.of(row.accountId()),
        row.providerId(),
        PaymentKind.valueOf(row.kind()),
        row.paymentIntentId(),
        row.grantId(),
        Asset.valueOf(row.asset()),
        row.grantedAmount(),
        row.paidAmount(),
        row.currency(),
        new Payment.Reversal(row.reversedAmount(), row.clawedBack(), row.shortfall()),
        row.createdAt());
  }

  static Subscription subscription(SubscriptionRow row) {
    return new Subscription(
        AccountId.of(row.accountId()),
        row.subscriptionId(),
        row.customerId(),
        new PlanTerms(
            row.plan(), row.monthlyTokens(), row.rolloverCap(), BillingInterval.valueOf(row.billingInterval())),
        SubscriptionStatus.valueOf(row.status()),
        row.paidFrom(),
        row.paidUntil(),
        row.nextPeriodAt(),
        row.updatedAt());
  }

  static SubscriptionRef subscriptionRef(SubscriptionRow row) {
    return new SubscriptionRef(AccountId.of(row.accountId()), row.subscriptionId());
  }

  static QuotaPeriodRow row(QuotaPeriod period, AccountId accountId) {
    return new QuotaPeriodRow(
        accountId.value(),
        period.subscriptionId(),
        period.periodStart(),
        period.periodEnd(),
        period.quotaGrantId(),
        period.rolloverGrantId(),
        period.source(),
        period.createdAt());
  }

  static QuotaPeriod period(QuotaPeriodRow row) {
    return new QuotaPeriod(
        AccountId.of(row.accountId()),
        row.subscriptionId(),
        row.periodStart(),
        row.periodEnd(),
        row.quotaGrantId(),
        row.rolloverGrantId(),
        row.source(),
        row.createdAt());
  }
}
