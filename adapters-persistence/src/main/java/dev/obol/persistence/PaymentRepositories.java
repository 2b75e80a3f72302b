package dev.obol.persistence;

/** The payment tables' repositories, handed to {@link PostgresPaymentStore} together. */
public record PaymentRepositories(
    StripeEventRepository events,
    PaymentRepository payments,
    SubscriptionRepository subscriptions,
    QuotaPeriodRepository periods) {}
