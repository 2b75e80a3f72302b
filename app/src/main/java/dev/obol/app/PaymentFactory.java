package dev.obol.app;

import dev.obol.domain.model.FeatureCatalog;
import dev.obol.domain.payment.PaymentCatalog;
import dev.obol.domain.usecase.PaymentEventUseCases;
import dev.obol.domain.usecase.PaymentUseCases;
import dev.obol.domain.port.Activity;
import dev.obol.domain.port.IdGenerator;
import dev.obol.domain.port.PaymentGateway;
import dev.obol.domain.port.StoredCardPayments;
import dev.obol.domain.service.AutoRechargeEvents;
import dev.obol.domain.service.AutoRechargeService;
import dev.obol.domain.service.AutoRechargeTrigger;
import dev.obol.persistence.PostgresAccountStore;
import dev.obol.persistence.PostgresPaymentCustomers;
import java.time.Duration;
import dev.obol.domain.service.GrantWriter;
import dev.obol.domain.service.PaymentEventService;
import dev.obol.domain.service.PaymentService;
import dev.obol.domain.service.PurchaseEvents;
import dev.obol.domain.service.QuotaPolicy;
import dev.obol.domain.service.RefundEvents;
import dev.obol.domain.service.SubscriptionEvents;
import dev.obol.persistence.Transactions;
import dev.obol.persistence.PaymentRepositories;
import dev.obol.persistence.PaymentRepository;
import dev.obol.persistence.PostgresPaymentStore;
import dev.obol.persistence.QuotaPeriodRepository;
import dev.obol.persistence.StripeEventRepository;
import dev.obol.persistence.SubscriptionRepository;
import dev.obol.stripe.StripeEventTranslator;
import dev.obol.stripe.StripePaymentGateway;
import dev.obol.stripe.StripeWebhook;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the payment side (catalog, Stripe checkout and webhook, quota periods). */
@Factory
public class PaymentFactory {

  private static final Logger LOG = LoggerFactory.getLogger(PaymentFactory.class);

  @Singleton
  PaymentCatalog paymentCatalog(
      @Property(name = "obol.payments.packs") String packs,
      @Property(name = "obol.payments.plans") String plans,
      @Property(name = "obol.payments.top-up-min-amount", defaultValue = "2000") long topUpMinAmount,
      @Property(name = "obol.payments.top-up-max-amount", defaultValue = "100000") long topUpMaxAmount,
      @Property(name = "obol.payments.bonuses", defaultValue = "") String bonuses) {
    return PaymentCatalogConfig.parse(packs, plans, topUpMinAmount, topUpMaxAmount, bonuses);
  }

  /** The Stripe client of checkout and off-session charges; empty without a secret key. */
  @Singleton
  StripeProvider stripeProvider(
      @Property(name = "obol.stripe.secret-key", defaultValue = "") String secretKey,
      @Property(name = "obol.stripe.api-base", defaultValue = "") String apiBase) {
    if (secretKey.isBlank()) {
      LOG.info("OBOL_STRIPE_SECRET_KEY not set: CreateCheckoutSession answers PAYMENTS_NOT_CONFIGURED");
      return new StripeProvider(Optional.empty());
    }
    return new StripeProvider(Optional.of(new StripePaymentGateway(secretKey.trim(), apiBase)));
  }

  /** Without a secret key there is no gateway: checkout answers PAYMENTS_NOT_CONFIGURED, the rest works. */
  @Singleton
  PaymentUseCases paymentUseCases(
      PaymentCatalog catalog,
      FeatureCatalog features,
      StripeProvider stripe,
      PostgresPaymentCustomers customers,
      Clock clock) {
    return new PaymentService(
        catalog,
        features,
        stripe.gateway().map(PaymentGateway.class::cast),
        stripe.gateway().map(StoredCardPayments.class::cast),
        customers,
        clock);
  }

  @Singleton
  PostgresPaymentCustomers paymentCustomers(Transactions transactions) {
    return new PostgresPaymentCustomers(transactions);
  }

  /** The threshold check after every debit, hold and monthly charge (WalletFactory picks it up as an AfterDebit). */
  @Singleton
  AutoRechargeTrigger autoRechargeTrigger(
      IdGenerator ids, @Property(name = "obol.auto-recharge.backoff", defaultValue = "1h") Duration backoff) {
    return new AutoRechargeTrigger(ids, backoff);
  }

  @Singleton
  AutoRechargeService autoRechargeService(
      PostgresAccountStore store,
      PostgresPaymentCustomers customers,
      PaymentCatalog catalog,
      StripeProvider stripe,
      AutoRechargeTrigger trigger,
      @Property(name = "obol.auto-recharge.lease", defaultValue = "60s") Duration lease,
      Clock clock,
      Activity activity) {
    return new AutoRechargeService(
        store,
        customers,
        catalog,
        stripe.gateway().map(StoredCardPayments.class::cast),
        customers,
        trigger,
        new AutoRechargeService.Dispatch(AutoRechargeJob.BATCH, lease),
        clock,
        activity);
  }

  @Singleton
  PostgresPaymentStore paymentStore(
      Transactions transactions,
      Clock clock,
      StripeEventRepository events,
      PaymentRepository payments,
      SubscriptionRepository subscriptions,
      QuotaPeriodRepository periods) {
    return new PostgresPaymentStore(
        transactions, clock, new PaymentRepositories(events, payments, subscriptions, periods));
  }

  /** Reads Stripe payloads, for the webhook and for reprocessing stored events alike. */
  @Singleton
  StripeEventTranslator stripeEventTranslator(PaymentCatalog catalog) {
    return new StripeEventTranslator(catalog);
  }

  /** Every credit of a purchase or a quota period goes through the one {@link GrantWriter}. */
  @Singleton
  PaymentEventUseCases paymentEvents(
      PostgresPaymentStore store,
      GrantWriter grants,
      PaymentCatalog catalog,
      StripeEventTranslator translator,
      AutoRechargeTrigger trigger,
      Clock clock,
      Activity activity) {
    PurchaseEvents purchases = new PurchaseEvents(grants, catalog);
    return new PaymentEventService(
        store,
        translator,
        purchases,
        new SubscriptionEvents(store, new QuotaPolicy(grants), clock, activity),
        new RefundEvents(),
        new AutoRechargeEvents(purchases, trigger),
        clock,
        activity);
  }

  @Singleton
  StripeWebhook stripeWebhook(
      StripeEventTranslator translator,
      PaymentEventUseCases events,
      Clock clock,
      @Property(name = "obol.stripe.webhook-secrets", defaultValue = "") String secrets) {
    return new StripeWebhook(Arrays.asList(secrets.split(",")), translator, events, clock);
  }
}
