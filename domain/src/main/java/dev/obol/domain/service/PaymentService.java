package dev.obol.domain.service;

import dev.obol.domain.error.FailedPreconditionException;
import dev.obol.domain.model.FeatureCatalog;
import dev.obol.domain.payment.CheckoutCommand;
import dev.obol.domain.payment.CheckoutMetadata;
import dev.obol.domain.payment.CheckoutRequest;
import dev.obol.domain.payment.CheckoutRequest.LineItem;
import dev.obol.domain.payment.CheckoutRequest.Mode;
import dev.obol.domain.payment.CheckoutSession;
import dev.obol.domain.payment.Pack;
import dev.obol.domain.payment.PaymentCatalog;
import dev.obol.domain.payment.Plan;
import dev.obol.domain.payment.Purchase;
import dev.obol.domain.usecase.CatalogView;
import dev.obol.domain.usecase.PaymentUseCases;
import dev.obol.domain.payment.PaymentCustomer;
import dev.obol.domain.port.PaymentCustomers;
import dev.obol.domain.port.PaymentGateway;
import dev.obol.domain.port.StoredCardPayments;
import java.time.Clock;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The catalog and checkout. Nothing is stored here: the webhook grants what a checkout sold, once paid. */
public final class PaymentService implements PaymentUseCases {

  static final int IDEMPOTENCY_KEY_LENGTH_MAX = 255;

  private final PaymentCatalog catalog;
  private final FeatureCatalog features;
  private final Optional<PaymentGateway> gateway;
  private final Optional<StoredCardPayments> cards;
  private final PaymentCustomers customers;
  private final Clock clock;

  /** @param gateway empty: no provider configured (no secret key); checkout then fails, everything else works */
  public PaymentService(PaymentCatalog catalog, FeatureCatalog features, Optional<PaymentGateway> gateway) {
    this(catalog, features, gateway, Optional.empty(), null, Clock.systemUTC());
  }

  /**
   * @param cards with it, each account gets one provider customer (created with its first checkout, stored in
   *     {@code customers}) and its checkouts save the card for auto-recharge
   */
  public PaymentService(
      PaymentCatalog catalog,
      FeatureCatalog features,
      Optional<PaymentGateway> gateway,
      Optional<StoredCardPayments> cards,
      PaymentCustomers customers,
      Clock clock) {
    this.catalog = catalog;
    this.features = features;
    this.gateway = gateway;
    this.cards = cards;
    this.customers = customers;
    this.clock = clock;
  }

  @Override
  public CatalogView catalog() {
    return new CatalogView(
        catalog.packs(),
        catalog.plans(),
        features.features(),
        catalog.topUpMinCents(),
        catalog.topUpMaxCents(),
        catalog.bonuses());
  }

  @Override
  public CheckoutSession createCheckoutSession(CheckoutCommand command) {
    // Validated before the configuration check: bad input is reported as such whatever the deployment.
    CheckoutRequest request = request(command);
    PaymentGateway provider =
        gateway.orElseThrow(
            () ->
                new FailedPreconditionException(
                    "PAYMENTS_NOT_CONFIGURED",
                    "payments are not configured on this server (set OBOL_STRIPE_SECRET_KEY)"));
    return provider.createCheckoutSession(request.withCustomer(customerId(command).orElse(null)));
  }

  /**
   * The account's provider customer, created on its first checkout. The customer's idempotency key is the account,
   * so two first checkouts at once get the same customer from the provider; the store keeps the first one saved.
   */
  private Optional<String> customerId(CheckoutCommand command) {
    if (cards.isEmpty() || customers == null) {
      return Optional.empty();
    }
    Optional<PaymentCustomer> known = customers.customerOf(command.accountId());
    if (known.isPresent()) {
      return Optional.of(known.get().customerId());
    }
    String accountId = command.accountId().value();
    String created = cards.get().createCustomer(accountId, command.customerEmail(), customerKey(accountId));
    return Optional.of(customers.saveCustomerIfNone(command.accountId(), created, clock.instant()).customerId());
  }

  static String customerKey(String accountId) {
    return idempotencyKey("customer", accountId);
  }

  CheckoutRequest request(CheckoutCommand command) {
    Map<String, String> metadata = new LinkedHashMap<>();
    String accountId = command.accountId().value();
    LineItem item;
    Mode mode;
    if (command.purchase() instanceof Purchase.PackPurchase p) {
      Pack pack = catalog.pack(p.pack());
      mode = Mode.PAYMENT;
      metadata.put(CheckoutMetadata.KIND, CheckoutMetadata.KIND_TOKEN_PACK);
      metadata.put(CheckoutMetadata.ACCOUNT_ID, accountId);
      metadata.put(CheckoutMetadata.PACK, pack.name());
      metadata.put(CheckoutMetadata.TOKENS, Long.toString(pack.tokens()));
      item =
          new LineItem(
              pack.tokens() + " tokens (" + pack.name() + ")",
              pack.stripePriceId(),
              pack.priceCents(),
              pack.currency(),
              null);
    } else if (command.purchase() instanceof Purchase.PlanPurchase p) {
      Plan plan = catalog.plan(p.plan());
      mode = Mode.SUBSCRIPTION;
      metadata.put(CheckoutMetadata.KIND, CheckoutMetadata.KIND_SUBSCRIPTION);
      metadata.put(CheckoutMetadata.ACCOUNT_ID, accountId);
      metadata.put(CheckoutMetadata.PLAN, plan.name());
      metadata.put(CheckoutMetadata.MONTHLY_TOKENS, Long.toString(plan.monthlyTokens()));
      metadata.put(CheckoutMetadata.INTERVAL, plan.interval().wireName());
      metadata.put(CheckoutMetadata.ROLLOVER_CAP, Long.toString(plan.rolloverCap()));
      item =
          new LineItem(
              plan.monthlyTokens() + " tokens a month (" + plan.name() + ")",
              plan.stripePriceId(),
              plan.priceCents(),
              plan.currency(),
              plan.interval());
    } else if (command.purchase() instanceof Purchase.TopUpPurchase t) {
      long amount = catalog.checkedTopUp(t.amountCents());
      mode = Mode.PAYMENT;
      metadata.put(CheckoutMetadata.KIND, CheckoutMetadata.KIND_TOP_UP);
      metadata.put(CheckoutMetadata.ACCOUNT_ID, accountId);
      metadata.put(CheckoutMetadata.AMOUNT, Long.toString(amount));
      item = new LineItem("Prepaid credit top-up", null, amount, PaymentCatalog.CURRENCY, null);
    } else {
      throw new IllegalStateException("unknown purchase " + command.purchase());
    }
    return new CheckoutRequest(
        mode,
        item,
        metadata,
        accountId,
        command.successUrl(),
        command.cancelUrl(),
        command.customerEmail(),
        idempotencyKey(accountId, command.requestId().value()));
  }

  /**
   * Request ids are scoped by account (AIP-155), Stripe's idempotency keys are global: the key is
   * {@code account_id:request_id}, or its SHA-256 when that would exceed Stripe's 255 characters.
   */
  static String idempotencyKey(String accountId, String requestId) {
    String key = accountId + ":" + requestId;
    if (key.length() <= IDEMPOTENCY_KEY_LENGTH_MAX) {
      return key;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
