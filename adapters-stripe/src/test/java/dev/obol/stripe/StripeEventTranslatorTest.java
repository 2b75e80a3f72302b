package dev.obol.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import com.stripe.model.Event;
import com.stripe.net.ApiResource;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.payment.BillingInterval;
import dev.obol.domain.payment.PaymentCatalog;
import dev.obol.domain.payment.PaymentEvent;
import dev.obol.domain.payment.PaymentKind;
import dev.obol.domain.payment.PlanTerms;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Every fixture of ../shared/stripe-events, read by stripe-java 33.3.0 and translated. */
class StripeEventTranslatorTest {

  private static final AccountId ACCOUNT = AccountId.of("acct-123");
  private static final PlanTerms MONTHLY = new PlanTerms("monthly", 3000, 0, BillingInterval.MONTH);

  private final StripeEventTranslator translator = new StripeEventTranslator(PaymentCatalog.defaults());

  @Test
  void paidPackSession() {
    assertThat(translate("checkout.session.completed.payment.json"))
        .isEqualTo(
            new PaymentEvent.PurchasePaid(
                ACCOUNT,
                "cs_test_a1UddYGVJtfjgiXKFM3iB4XsUgHAsdNiQOQI2L2jUERRYZFQKCmWGwXiSB",
                "pi_3hpiGbKX1Tz8qZNswnsuJ4Qe",
                PaymentKind.TOKEN_PACK,
                "standard",
                500,
                3999,
                "eur"));
  }

  @Test
  void aTopUpCreditsItsEuroCentsAndOnlyEuros() {
    String topUp =
        fixture("checkout.session.completed.payment.json")
            .replace("\"kind\": \"token_pack\"", "\"kind\": \"top_up\"")
            .replace("\"amount_total\": 3999", "\"amount_total\": 2500");
    assertThat(translator.translate(ApiResource.GSON.fromJson(topUp, Event.class)))
        .isInstanceOfSatisfying(PaymentEvent.PurchasePaid.class, paid -> {
          assertThat(paid.kind()).isEqualTo(PaymentKind.TOP_UP);
          assertThat(paid.grantAmount()).isEqualTo(2500);
        });

    String inDollars = topUp.replace("\"currency\": \"eur\",\n      \"currency_conversion\": null",
        "\"currency\": \"usd\",\n      \"currency_conversion\": null");
    assertThat(inDollars).isNotEqualTo(topUp);
    assertThat(translator.translate(ApiResource.GSON.fromJson(inDollars, Event.class)))
        .isInstanceOf(PaymentEvent.Unusable.class);

    String converted = topUp.replace("\"currency\": \"eur\",\n      \"currency_conversion\": null",
        "\"currency\": \"usd\",\n      \"currency_conversion\": {\"amount_subtotal\": 2500, \"amount_total\": 2500,"
            + " \"fx_rate\": \"1.08\", \"source_currency\": \"eur\"}");
    assertThat(translator.translate(ApiResource.GSON.fromJson(converted.replace("\"amount_total\": 2500,\n",
        "\"amount_total\": 2700,\n"), Event.class)))
        .isInstanceOfSatisfying(PaymentEvent.PurchasePaid.class, paid -> assertThat(paid.grantAmount()).isEqualTo(2500));
  }

  @Test
  void unpaidSessionWaitsAsyncOutcomesGrantOrFail() {
    String session = "cs_test_a1kFZcFY73txzpxYFND8JGfpORZLUASMz8QRL3PW54M3m4U3e0qGdohDKF";
    assertThat(translate("checkout.session.completed.payment_unpaid.json"))
        .isEqualTo(new PaymentEvent.PurchasePending(ACCOUNT, session));
    assertThat(translate("checkout.session.async_payment_succeeded.json"))
        .isInstanceOfSatisfying(PaymentEvent.PurchasePaid.class, paid -> {
          assertThat(paid.sessionId()).isEqualTo(session);
          assertThat(paid.grantAmount()).isEqualTo(500);
        });
    assertThat(translate("checkout.session.async_payment_failed.json"))
        .isInstanceOf(PaymentEvent.PurchaseFailed.class);
  }

  @Test
  void subscriptionSessionLinksTheSubscription() {
    assertThat(translate("checkout.session.completed.subscription.json"))
        .isEqualTo(
            new PaymentEvent.SubscriptionCheckoutCompleted(
                ACCOUNT,
                "cs_test_a1tg7Btsveyle0ha2sELBcqQ8FC28w5TdoT9yZFmUsaRSl9UPxLdqLMRBZ",
                "sub_1HafkjY9eTz8qkIHUK4jAGvU",
                "cus_rRhUOiqCItFBBE",
                MONTHLY));
  }

  @Test
  void paidInvoicesCarryTheLinePeriodAndTheSubscriptionMetadataFromTheParent() {
    assertThat(translate("invoice.payment_succeeded.subscription_create.json"))
        .isEqualTo(
            new PaymentEvent.SubscriptionInvoicePaid(
                ACCOUNT,
                "in_11mbeDbbsTz8q8S8FyEr6Wxc",
                "sub_1HafkjY9eTz8qkIHUK4jAGvU",
                "cus_rRhUOiqCItFBBE",
                MONTHLY,
                true,
                Instant.ofEpochSecond(1786017600L),
                Instant.ofEpochSecond(1788696000L),
                990));
    // The renewal's invoice.period_* is the previous window; the line's period is the paid one.
    assertThat(translate("invoice.payment_succeeded.subscription_cycle.json"))
        .isInstanceOfSatisfying(PaymentEvent.SubscriptionInvoicePaid.class, paid -> {
          assertThat(paid.initial()).isFalse();
          assertThat(paid.periodStart()).isEqualTo(Instant.ofEpochSecond(1788696000L));
          assertThat(paid.periodEnd()).isEqualTo(Instant.ofEpochSecond(1791288000L));
        });
  }

  @Test
  void failedInvoiceAndDeletedSubscription() {
    assertThat(translate("invoice.payment_failed.json"))
        .isEqualTo(
            new PaymentEvent.SubscriptionPaymentFailed(
                ACCOUNT, "in_1QcDlUGIaTz8qiFhyp7punHc", "sub_1HafkjY9eTz8qkIHUK4jAGvU", MONTHLY));
    assertThat(translate("customer.subscription.deleted.json"))
        .isEqualTo(
            new PaymentEvent.SubscriptionEnded(
                ACCOUNT, "sub_1HafkjY9eTz8qkIHUK4jAGvU", MONTHLY, Instant.ofEpochSecond(1792497900L)));
  }

  @Test
  void refundsAndDisputesNameThePaymentIntent() {
    assertThat(translate("charge.refunded.json"))
        .isEqualTo(
            new PaymentEvent.PaymentReversed(
                ACCOUNT,
                "pi_3hpiGbKX1Tz8qZNswnsuJ4Qe",
                PaymentEvent.ReversalKind.REFUND,
                "ch_3lkYgA1AVTz8qb7xWS5WZFbb",
                3999));
    assertThat(translate("charge.dispute.created.json"))
        .isEqualTo(
            new PaymentEvent.PaymentReversed(
                null,
                "pi_3hpiGbKX1Tz8qZNswnsuJ4Qe",
                PaymentEvent.ReversalKind.DISPUTE,
                "dp_1Qv8aWpLTz8qYe5S3b1xH2kR",
                3999));
  }

  @Test
  void aWonDisputeGivesBackAndALostOneChangesNothing() {
    assertThat(translate("charge.dispute.closed.json"))
        .isEqualTo(
            new PaymentEvent.DisputeWon(
                null, "pi_3hpiGbKX1Tz8qZNswnsuJ4Qe", "dp_1Qv8aWpLTz8qYe5S3b1xH2kR", 3999));
    String lost = fixture("charge.dispute.closed.json").replace("\"status\": \"won\"", "\"status\": \"lost\"");
    assertThat(translator.translate(ApiResource.GSON.fromJson(lost, Event.class)))
        .isInstanceOf(PaymentEvent.Unusable.class);
  }

  @Test
  void otherTypesAreIrrelevantAndForeignSessionsUnusable() {
    String expired =
        fixture("checkout.session.completed.payment.json")
            .replace("\"type\": \"checkout.session.completed\"", "\"type\": \"checkout.session.expired\"");
    assertThat(translator.translate(ApiResource.GSON.fromJson(expired, Event.class)))
        .isInstanceOf(PaymentEvent.Irrelevant.class);

    String setup =
        fixture("checkout.session.completed.payment.json").replace("\"mode\": \"payment\"", "\"mode\": \"setup\"");
    assertThat(translator.translate(ApiResource.GSON.fromJson(setup, Event.class)))
        .isInstanceOf(PaymentEvent.Unusable.class);
  }

  private PaymentEvent translate(String name) {
    return translator.translate(ApiResource.GSON.fromJson(fixture(name), Event.class));
  }

  static String fixture(String name) {
    try (InputStream in = StripeEventTranslatorTest.class.getResourceAsStream("/stripe-events/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
