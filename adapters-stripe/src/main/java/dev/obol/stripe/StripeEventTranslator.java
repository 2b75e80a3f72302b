package dev.obol.stripe;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.stripe.Stripe;
import com.stripe.exception.EventDataObjectDeserializationException;
import com.stripe.model.Charge;
import com.stripe.model.Dispute;
import com.stripe.model.Event;
import com.stripe.model.EventDataObjectDeserializer;
import com.stripe.model.Invoice;
import com.stripe.model.InvoiceLineItem;
import com.stripe.model.PaymentIntent;
import com.stripe.model.PaymentMethod;
import com.stripe.model.StripeError;
import com.stripe.model.StripeObject;
import com.stripe.model.Subscription;
import com.stripe.model.checkout.Session;
import com.stripe.net.ApiResource;
import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.payment.BillingInterval;
import dev.obol.domain.payment.CheckoutMetadata;
import dev.obol.domain.payment.PaymentCatalog;
import dev.obol.domain.payment.PaymentEvent;
import dev.obol.domain.payment.PaymentEvent.ReversalKind;
import dev.obol.domain.payment.PaymentKind;
import dev.obol.domain.payment.Plan;
import dev.obol.domain.payment.PlanTerms;
import dev.obol.domain.port.PaymentEventParser;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads Stripe's objects (API {@code 2026-07-29.dahlia}) into domain events. It trusts the metadata Obol wrote at sale
 * time (design.md) because the signature has been verified before; the catalog only fills in what older metadata
 * lacks. A payload it cannot read becomes {@link PaymentEvent.Unreadable}, saying which field is at fault.
 */
public final class StripeEventTranslator implements PaymentEventParser {

  /** The event types {@link #translate} reads an object for; any other type is irrelevant to Obol. */
  private static final Set<String> USED_TYPES =
      Set.of(
          "checkout.session.completed",
          "checkout.session.async_payment_succeeded",
          "checkout.session.async_payment_failed",
          "invoice.paid",
          "invoice.payment_succeeded",
          "invoice.payment_failed",
          "customer.subscription.deleted",
          "charge.refunded",
          "charge.dispute.created",
          "charge.dispute.closed",
          "payment_intent.succeeded",
          "payment_intent.payment_failed",
          "payment_method.attached");

  private final PaymentCatalog catalog;

  public StripeEventTranslator(PaymentCatalog catalog) {
    this.catalog = catalog;
  }

  /**
   * A verified payload as far as it can be read.
   *
   * @param eventId null when the payload has no usable id (then {@code event} is unreadable)
   * @param type null when the payload has no string type
   * @param createdAt null when the payload has no readable creation time
   */
  public record Reading(String eventId, String type, Instant createdAt, PaymentEvent event) {}

  /**
   * Reads a verified payload: its envelope, then (for the types Obol uses) the shape of the fields it reads, then the
   * object through stripe-java. Bad input gives an {@link PaymentEvent.Unreadable} event, never an exception; an
   * exception here is a bug.
   */
  public Reading read(String payload) {
    JsonObject root;
    try {
      JsonElement parsed = JsonParser.parseString(payload);
      if (!parsed.isJsonObject()) {
        return new Reading(null, null, null, new PaymentEvent.Unreadable("the body is not a JSON object"));
      }
      root = parsed.getAsJsonObject();
    } catch (JsonParseException e) {
      return new Reading(null, null, null, new PaymentEvent.Unreadable("the body is not JSON"));
    }
    String eventId = StripePayloadShape.eventId(root);
    String type = StripePayloadShape.type(root);
    Long created = StripePayloadShape.created(root);
    Reading reading = new Reading(eventId, type, created == null ? null : Instant.ofEpochSecond(created), null);
    try {
      if (eventId == null) {
        throw new UnreadableEventException(StripePayloadShape.whyNoEventId(root));
      }
      JsonObject object = StripePayloadShape.checkEnvelope(root);
      if (!USED_TYPES.contains(type)) {
        return withEvent(reading, new PaymentEvent.Irrelevant());
      }
      StripePayloadShape.checkObject(type, object);
      Event event;
      try {
        event = ApiResource.GSON.fromJson(root, Event.class);
      } catch (JsonParseException e) {
        throw new UnreadableEventException("the event cannot be read: " + e.getMessage());
      }
      return withEvent(reading, translate(event));
    } catch (UnreadableEventException e) {
      return withEvent(reading, new PaymentEvent.Unreadable(e.why()));
    }
  }

  /** Reprocessing: the stored payload read again with this code. */
  @Override
  public PaymentEvent parse(String rawPayload) {
    return read(rawPayload).event();
  }

  private static Reading withEvent(Reading reading, PaymentEvent event) {
    return new Reading(reading.eventId(), reading.type(), reading.createdAt(), event);
  }

  /** @throws UnreadableEventException when the event's object cannot be read as its type's object */
  public PaymentEvent translate(Event event) {
    String type = event.getType();
    return switch (type) {
      case "checkout.session.completed",
          "checkout.session.async_payment_succeeded",
          "checkout.session.async_payment_failed" -> session(type, object(event, Session.class));
      case "invoice.paid", "invoice.payment_succeeded" -> invoice(object(event, Invoice.class), true);
      case "invoice.payment_failed" -> invoice(object(event, Invoice.class), false);
      case "customer.subscription.deleted" -> subscriptionDeleted(object(event, Subscription.class));
      case "charge.refunded" -> refund(object(event, Charge.class));
      case "charge.dispute.created" -> dispute(object(event, Dispute.class));
      case "charge.dispute.closed" -> disputeClosed(object(event, Dispute.class));
      case "payment_intent.succeeded" -> paymentIntentSucceeded(object(event, PaymentIntent.class));
      case "payment_intent.payment_failed" -> paymentIntentFailed(object(event, PaymentIntent.class));
      case "payment_method.attached" -> paymentMethodAttached(object(event, PaymentMethod.class));
      default -> new PaymentEvent.Irrelevant();
    };
  }

  /**
   * The event's object. stripe-java deserializes only events of its own API release train; an event of another one is
   * unreadable by this build (stored, and reprocessed by an operator once Obol reads that release).
   */
  private static <T extends StripeObject> T object(Event event, Class<T> type) {
    if (event.getData() == null) {
      throw new UnreadableEventException("data is missing");
    }
    EventDataObjectDeserializer deserializer = event.getDataObjectDeserializer();
    Optional<StripeObject> object = deserializer.getObject();
    if (object.isEmpty()) {
      try {
        deserializer.deserializeUnsafe();
      } catch (EventDataObjectDeserializationException | JsonParseException e) {
        throw new UnreadableEventException(
            "data.object cannot be read as a " + event.getType() + " object: " + originalError(e.getMessage()));
      }
      throw new UnreadableEventException(
          "API version " + event.getApiVersion() + " is not the release this Obol reads (" + Stripe.API_VERSION
              + ")");
    }
    if (!type.isInstance(object.get())) {
      throw new UnreadableEventException(
          "data.object of a " + event.getType() + " event is a " + object.get().getClass().getSimpleName()
              + ", not a " + type.getSimpleName());
    }
    return type.cast(object.get());
  }

  /** stripe-java wraps Gson's message in a paragraph of boilerplate; the original is what says what failed. */
  private static String originalError(String message) {
    String marker = "Original error message: ";
    int at = message == null ? -1 : message.indexOf(marker);
    return at < 0 ? String.valueOf(message) : message.substring(at + marker.length());
  }

  // ---- checkout sessions -----------------------------------------------------------------------------------------

  private PaymentEvent session(String type, Session session) {
    Map<String, String> metadata = orEmpty(session.getMetadata());
    AccountId accountId = account(metadata.get(CheckoutMetadata.ACCOUNT_ID), session.getClientReferenceId());
    if (accountId == null) {
      return new PaymentEvent.Unusable("session " + session.getId() + " names no Obol account");
    }
    String kind = metadata.get(CheckoutMetadata.KIND);
    if ("subscription".equals(session.getMode())) {
      if (!"checkout.session.completed".equals(type)) {
        return new PaymentEvent.Unusable("subscription sessions grant through their invoices");
      }
      PlanTerms terms = terms(metadata);
      if (terms == null) {
        return new PaymentEvent.Unusable("session " + session.getId() + " names no plan");
      }
      return new PaymentEvent.SubscriptionCheckoutCompleted(
          accountId, session.getId(), session.getSubscription(), session.getCustomer(), terms);
    }
    if (!"payment".equals(session.getMode())) {
      return new PaymentEvent.Unusable("session mode " + session.getMode() + " is not sold by Obol");
    }
    if ("checkout.session.async_payment_failed".equals(type)) {
      return new PaymentEvent.PurchaseFailed(accountId, session.getId());
    }
    // "no_payment_required": a 100 % discount the merchant chose to give; the pack is granted as sold.
    boolean paid = "paid".equals(session.getPaymentStatus()) || "no_payment_required".equals(session.getPaymentStatus());
    if (!paid) {
      return new PaymentEvent.PurchasePending(accountId, session.getId());
    }
    long amountTotal = session.getAmountTotal() == null ? 0 : session.getAmountTotal();
    if (CheckoutMetadata.KIND_TOKEN_PACK.equals(kind)) {
      Long tokens = positive(metadata.get(CheckoutMetadata.TOKENS));
      if (tokens == null) {
        return new PaymentEvent.Unusable("session " + session.getId() + " has no token count in its metadata");
      }
      return new PaymentEvent.PurchasePaid(
          accountId,
          session.getId(),
          session.getPaymentIntent(),
          PaymentKind.TOKEN_PACK,
          metadata.get(CheckoutMetadata.PACK),
          tokens,
          amountTotal,
          session.getCurrency());
    }
    if (CheckoutMetadata.KIND_TOP_UP.equals(kind)) {
      Long cents = euroCents(session);
      if (cents == null) {
        return new PaymentEvent.Unusable(
            "top-up session " + session.getId() + " was paid in " + session.getCurrency() + ", not EUR");
      }
      return new PaymentEvent.PurchasePaid(
          accountId,
          session.getId(),
          session.getPaymentIntent(),
          PaymentKind.TOP_UP,
          null,
          cents,
          cents,
          PaymentCatalog.CURRENCY);
    }
    return new PaymentEvent.Unusable("session " + session.getId() + " has kind '" + kind + "'");
  }

  /**
   * What a top-up credits to the EUR wallet: {@code amount_total} when the session is in EUR; with Stripe's adaptive
   * pricing the customer may pay in another currency, and the EUR amount is then the conversion's source amount.
   */
  private static Long euroCents(Session session) {
    if (PaymentCatalog.CURRENCY.equalsIgnoreCase(session.getCurrency())) {
      return session.getAmountTotal() == null ? 0L : session.getAmountTotal();
    }
    Session.CurrencyConversion conversion = session.getCurrencyConversion();
    if (conversion != null
        && PaymentCatalog.CURRENCY.equalsIgnoreCase(conversion.getSourceCurrency())
        && conversion.getAmountTotal() != null) {
      return conversion.getAmountTotal();
    }
    return null;
  }

  // ---- invoices and subscriptions --------------------------------------------------------------------------------

  private PaymentEvent invoice(Invoice invoice, boolean paid) {
    // Since API 2025-03-31.basil the subscription and its metadata live under invoice.parent.subscription_details.
    Invoice.Parent parent = invoice.getParent();
    if (parent == null || parent.getSubscriptionDetails() == null) {
      return new PaymentEvent.Unusable("invoice " + invoice.getId() + " is not for a subscription");
    }
    Invoice.Parent.SubscriptionDetails details = parent.getSubscriptionDetails();
    Map<String, String> metadata = orEmpty(details.getMetadata());
    AccountId accountId = account(metadata.get(CheckoutMetadata.ACCOUNT_ID), null);
    PlanTerms terms = terms(metadata);
    if (accountId == null || terms == null) {
      return new PaymentEvent.Unusable("invoice " + invoice.getId() + " has no Obol subscription metadata");
    }
    if (!paid) {
      return new PaymentEvent.SubscriptionPaymentFailed(
          accountId, invoice.getId(), details.getSubscription(), terms);
    }
    InvoiceLineItem.Period period = servicePeriod(invoice);
    if (period == null || period.getStart() == null || period.getEnd() == null) {
      return new PaymentEvent.Unusable("invoice " + invoice.getId() + " has no subscription line with a period");
    }
    return new PaymentEvent.SubscriptionInvoicePaid(
        accountId,
        invoice.getId(),
        details.getSubscription(),
        invoice.getCustomer(),
        terms,
        "subscription_create".equals(invoice.getBillingReason()),
        Instant.ofEpochSecond(period.getStart()),
        Instant.ofEpochSecond(period.getEnd()),
        invoice.getAmountPaid() == null ? 0 : invoice.getAmountPaid());
  }

  /**
   * The period the invoice pays for: its subscription line's {@code period}. Not {@code invoice.period_start/end},
   * which cover the previous usage window.
   */
  private static InvoiceLineItem.Period servicePeriod(Invoice invoice) {
    if (invoice.getLines() == null || invoice.getLines().getData() == null) {
      return null;
    }
    InvoiceLineItem first = null;
    for (InvoiceLineItem line : invoice.getLines().getData()) {
      if (first == null) {
        first = line;
      }
      if (line.getParent() != null && line.getParent().getSubscriptionItemDetails() != null) {
        return line.getPeriod();
      }
    }
    return first == null ? null : first.getPeriod();
  }

  private PaymentEvent subscriptionDeleted(Subscription subscription) {
    Map<String, String> metadata = orEmpty(subscription.getMetadata());
    AccountId accountId = account(metadata.get(CheckoutMetadata.ACCOUNT_ID), null);
    PlanTerms terms = terms(metadata);
    if (accountId == null || terms == null) {
      return new PaymentEvent.Unusable("subscription " + subscription.getId() + " has no Obol metadata");
    }
    Instant endedAt = subscription.getEndedAt() == null ? null : Instant.ofEpochSecond(subscription.getEndedAt());
    return new PaymentEvent.SubscriptionEnded(accountId, subscription.getId(), terms, endedAt);
  }

  // ---- refunds and disputes --------------------------------------------------------------------------------------

  private static PaymentEvent refund(Charge charge) {
    // charge.metadata is set from payment_intent_data.metadata; without it the payment intent finds the account.
    AccountId accountId = account(orEmpty(charge.getMetadata()).get(CheckoutMetadata.ACCOUNT_ID), null);
    if (charge.getPaymentIntent() == null) {
      return new PaymentEvent.Unusable("charge " + charge.getId() + " has no payment intent");
    }
    long refunded = charge.getAmountRefunded() == null ? 0 : charge.getAmountRefunded();
    return new PaymentEvent.PaymentReversed(
        accountId, charge.getPaymentIntent(), ReversalKind.REFUND, charge.getId(), refunded);
  }

  private static PaymentEvent dispute(Dispute dispute) {
    if (dispute.getPaymentIntent() == null) {
      return new PaymentEvent.Unusable("dispute " + dispute.getId() + " has no payment intent");
    }
    long amount = dispute.getAmount() == null ? 0 : dispute.getAmount();
    return new PaymentEvent.PaymentReversed(
        null, dispute.getPaymentIntent(), ReversalKind.DISPUTE, dispute.getId(), amount);
  }

  /** Only a won dispute changes anything: the money came back, so what the dispute took back is given back. */
  private static PaymentEvent disputeClosed(Dispute dispute) {
    if (!"won".equals(dispute.getStatus())) {
      return new PaymentEvent.Unusable(
          "dispute " + dispute.getId() + " closed as " + dispute.getStatus() + ": its clawback stands");
    }
    if (dispute.getPaymentIntent() == null) {
      return new PaymentEvent.Unusable("dispute " + dispute.getId() + " has no payment intent");
    }
    long amount = dispute.getAmount() == null ? 0 : dispute.getAmount();
    return new PaymentEvent.DisputeWon(null, dispute.getPaymentIntent(), dispute.getId(), amount);
  }

  // ---- auto-recharge: off-session payment intents and saved payment methods ---------------------------------------

  /**
   * An auto-recharge's PaymentIntent grants here (Obol created it, no checkout session exists); a checkout's
   * PaymentIntent that saved its card for later records the payment method; any other one is the checkout's business.
   */
  private static PaymentEvent paymentIntentSucceeded(PaymentIntent intent) {
    Map<String, String> metadata = orEmpty(intent.getMetadata());
    AccountId accountId = account(metadata.get(CheckoutMetadata.ACCOUNT_ID), null);
    if (CheckoutMetadata.KIND_AUTO_RECHARGE.equals(metadata.get(CheckoutMetadata.KIND))) {
      Long sequence = positive(metadata.get(CheckoutMetadata.SEQUENCE));
      if (accountId == null || sequence == null) {
        return new PaymentEvent.Unusable("payment intent " + intent.getId() + " has no auto-recharge account/sequence");
      }
      long received = intent.getAmountReceived() == null ? 0 : intent.getAmountReceived();
      if ("TOKEN".equals(metadata.get(CheckoutMetadata.ASSET))) {
        Long tokens = positive(metadata.get(CheckoutMetadata.TOKENS));
        if (tokens == null) {
          return new PaymentEvent.Unusable("payment intent " + intent.getId() + " has no token count in its metadata");
        }
        return new PaymentEvent.AutoRechargePaid(
            accountId, intent.getId(), sequence, PaymentKind.TOKEN_PACK, metadata.get(CheckoutMetadata.PACK), tokens,
            received, intent.getCurrency());
      }
      if (!PaymentCatalog.CURRENCY.equalsIgnoreCase(intent.getCurrency())) {
        return new PaymentEvent.Unusable(
            "top-up payment intent " + intent.getId() + " was paid in " + intent.getCurrency() + ", not EUR");
      }
      return new PaymentEvent.AutoRechargePaid(
          accountId, intent.getId(), sequence, PaymentKind.TOP_UP, null, received, received, PaymentCatalog.CURRENCY);
    }
    if ("off_session".equals(intent.getSetupFutureUsage())
        && intent.getCustomer() != null
        && intent.getPaymentMethod() != null
        && accountId != null) {
      return new PaymentEvent.PaymentMethodSaved(accountId, intent.getCustomer(), intent.getPaymentMethod());
    }
    return new PaymentEvent.Unusable("payment intent " + intent.getId() + " is granted through its checkout session");
  }

  private static PaymentEvent paymentIntentFailed(PaymentIntent intent) {
    Map<String, String> metadata = orEmpty(intent.getMetadata());
    if (!CheckoutMetadata.KIND_AUTO_RECHARGE.equals(metadata.get(CheckoutMetadata.KIND))) {
      return new PaymentEvent.Unusable("payment intent " + intent.getId() + " is not an auto-recharge");
    }
    AccountId accountId = account(metadata.get(CheckoutMetadata.ACCOUNT_ID), null);
    Long sequence = positive(metadata.get(CheckoutMetadata.SEQUENCE));
    if (accountId == null || sequence == null) {
      return new PaymentEvent.Unusable("payment intent " + intent.getId() + " has no auto-recharge account/sequence");
    }
    StripeError error = intent.getLastPaymentError();
    String reason =
        error == null
            ? "payment failed"
            : error.getCode() + (error.getDeclineCode() != null ? " (" + error.getDeclineCode() + ")" : "");
    return new PaymentEvent.AutoRechargeFailed(accountId, intent.getId(), sequence, reason);
  }

  /** A card attached to an account's customer (a subscription checkout saves one this way): usable off-session. */
  private static PaymentEvent paymentMethodAttached(PaymentMethod method) {
    if (method.getCustomer() == null) {
      return new PaymentEvent.Unusable("payment method " + method.getId() + " is attached to no customer");
    }
    return new PaymentEvent.PaymentMethodSaved(null, method.getCustomer(), method.getId());
  }

  // ---- metadata --------------------------------------------------------------------------------------------------

  /** The plan as sold: the metadata's values, the catalog's for what older metadata lacks. */
  private PlanTerms terms(Map<String, String> metadata) {
    String name = metadata.get(CheckoutMetadata.PLAN);
    if (name == null || name.isEmpty()) {
      return null;
    }
    Optional<Plan> plan = catalog.findPlan(name);
    Long monthlyTokens = positive(metadata.get(CheckoutMetadata.MONTHLY_TOKENS));
    if (monthlyTokens == null) {
      monthlyTokens = plan.map(Plan::monthlyTokens).orElse(null);
    }
    if (monthlyTokens == null) {
      return null;
    }
    Long cap = nonNegative(metadata.get(CheckoutMetadata.ROLLOVER_CAP));
    long rolloverCap = cap != null ? cap : plan.map(Plan::rolloverCap).orElse(0L);
    BillingInterval interval = BillingInterval.fromWireName(metadata.get(CheckoutMetadata.INTERVAL));
    if (interval == null) {
      interval = plan.map(Plan::interval).orElse(BillingInterval.MONTH);
    }
    return new PlanTerms(name, monthlyTokens, rolloverCap, interval);
  }

  private static AccountId account(String fromMetadata, String fallback) {
    String value = fromMetadata != null && !fromMetadata.isEmpty() ? fromMetadata : fallback;
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return AccountId.of(value);
    } catch (InvalidArgumentException e) {
      return null;
    }
  }

  private static Long positive(String text) {
    Long value = nonNegative(text);
    return value != null && value > 0 ? value : null;
  }

  private static Long nonNegative(String text) {
    if (text == null) {
      return null;
    }
    try {
      long value = Long.parseLong(text.trim());
      return value >= 0 ? value : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Map<String, String> orEmpty(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }
}
