package dev.obol.stripe;

import static dev.obol.stripe.StripeEventTranslatorTest.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import com.stripe.model.Event;
import com.stripe.net.ApiResource;
import dev.obol.domain.payment.PaymentCatalog;
import dev.obol.domain.payment.PaymentEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A verified payload read from its raw text: what cannot be read becomes an Unreadable event naming the field at
 * fault, never an exception (the webhook would answer 500 and Stripe would retry the same bytes for days).
 */
class StripeEventReadingTest {

  private static final String SESSION = fixture("checkout.session.completed.payment.json");
  private static final String INVOICE = fixture("invoice.payment_succeeded.subscription_cycle.json");
  private static final String DELETED = fixture("customer.subscription.deleted.json");
  private static final String REFUND = fixture("charge.refunded.json");

  private final StripeEventTranslator translator = new StripeEventTranslator(PaymentCatalog.defaults());

  @Test
  void everyFixtureReadsAsItTranslatesWithItsEnvelope() {
    for (String name :
        List.of(
            "checkout.session.completed.payment.json",
            "checkout.session.completed.payment_unpaid.json",
            "checkout.session.async_payment_succeeded.json",
            "checkout.session.async_payment_failed.json",
            "checkout.session.completed.subscription.json",
            "invoice.payment_succeeded.subscription_create.json",
            "invoice.payment_succeeded.subscription_cycle.json",
            "invoice.payment_failed.json",
            "customer.subscription.deleted.json",
            "charge.refunded.json",
            "charge.dispute.created.json",
            "charge.dispute.closed.json")) {
      String payload = fixture(name);
      Event event = ApiResource.GSON.fromJson(payload, Event.class);
      StripeEventTranslator.Reading reading = translator.read(payload);
      assertThat(reading.eventId()).as(name).isEqualTo(event.getId());
      assertThat(reading.type()).as(name).isEqualTo(event.getType());
      assertThat(reading.createdAt()).as(name).isEqualTo(Instant.ofEpochSecond(event.getCreated()));
      assertThat(reading.event()).as(name).isEqualTo(translator.translate(event)).isEqualTo(translator.parse(payload));
    }
  }

  @Test
  void anEventWithoutAnIdHasNoKeyAndIsUnreadable() {
    String noId = SESSION.replace("\"id\": \"evt_1XCQWjKXYTz8qo5kq1LiyPAM\",", "");
    StripeEventTranslator.Reading reading = translator.read(noId);
    assertThat(reading.eventId()).isNull();
    assertThat(reading.type()).isEqualTo("checkout.session.completed");
    assertThat(reading.event()).isEqualTo(new PaymentEvent.Unreadable("id is missing"));

    assertThat(unreadable(SESSION.replace("\"id\": \"evt_1XCQWjKXYTz8qo5kq1LiyPAM\"", "\"id\": 42")))
        .isEqualTo("id is not a string");
    assertThat(unreadable(SESSION.replace("\"id\": \"evt_1XCQWjKXYTz8qo5kq1LiyPAM\"", "\"id\": \"\"")))
        .isEqualTo("id is empty");
  }

  @Test
  void theEnvelopeNeedsAStringTypeAndAnObject() {
    assertThat(unreadable(SESSION.replace("\"type\": \"checkout.session.completed\"", "\"kind\": \"x\"")))
        .isEqualTo("type is missing");
    assertThat(unreadable(SESSION.replace("\"type\": \"checkout.session.completed\"", "\"type\": {}")))
        .isEqualTo("type is not a string");
    assertThat(unreadable(SESSION.replaceFirst("\"data\": \\{", "\"not_data\": {"))).isEqualTo("data is missing");
    assertThat(unreadable(SESSION.replaceFirst("\"data\": \\{", "\"data\": 1, \"not_data\": {")))
        .isEqualTo("data is not an object");
    assertThat(unreadable(SESSION.replaceFirst("\"object\": \\{", "\"object\": [], \"not_object\": {")))
        .isEqualTo("data.object is not an object");
    assertThat(unreadable(SESSION.replace("\"created\": 1785752190", "\"created\": \"yesterday\"")))
        .isEqualTo("created is not a number");
    assertThat(unreadable("[1, 2]")).isEqualTo("the body is not a JSON object");
    assertThat(unreadable("{\"id\": ")).isEqualTo("the body is not JSON");
  }

  @Test
  void wrongTypesNameTheirField() {
    assertThat(unreadable(SESSION.replace("\"metadata\": {\n        \"kind\"", "\"metadata\": \"token_pack\", \"m\": {\n        \"kind\"")))
        .isEqualTo("data.object.metadata is not an object");
    assertThat(unreadable(SESSION.replace("\"tokens\": \"500\"", "\"tokens\": {\"n\": 500}")))
        .isEqualTo("data.object.metadata.tokens is not a string");
    assertThat(unreadable(SESSION.replace("\"amount_total\": 3999", "\"amount_total\": \"3999\"")))
        .isEqualTo("data.object.amount_total is not a number");
    // stripe-java would read 39.99 as 39 cents.
    assertThat(unreadable(SESSION.replace("\"amount_total\": 3999", "\"amount_total\": 39.99")))
        .isEqualTo("data.object.amount_total is not a whole number within range: 39.99");
    assertThat(unreadable(REFUND.replace("\"amount_refunded\": 3999", "\"amount_refunded\": true")))
        .isEqualTo("data.object.amount_refunded is not a number");
    assertThat(unreadable(INVOICE.replace("\"end\": 1791288000", "\"end\": \"next month\"")))
        .isEqualTo("data.object.lines.data[0].period.end is not a number");
    assertThat(unreadable(DELETED.replace("\"ended_at\": 1792497900", "\"ended_at\": \"now\"")))
        .isEqualTo("data.object.ended_at is not a number");
  }

  @Test
  void whatStripeJavaCannotReadOtherwiseIsUnreadableWithItsMessage() {
    // A field the shape check does not look at: stripe-java's own message, without its boilerplate.
    assertThat(unreadable(SESSION.replace("\"locale\": null", "\"locale\": {\"x\": 1}")))
        .startsWith("data.object cannot be read as a checkout.session.completed object: ")
        .contains("locale")
        .doesNotContain("support@stripe.com");
    // Another API release train: stripe-java does not deserialize it; reprocessed once Obol reads that release.
    assertThat(unreadable(SESSION.replace("\"api_version\": \"2026-07-29.dahlia\"", "\"api_version\": \"2024-06-20\"")))
        .isEqualTo("API version 2024-06-20 is not the release this Obol reads (2026-07-29.dahlia)");
    // The object of another type than the event's.
    assertThat(unreadable(SESSION.replace("\"type\": \"checkout.session.completed\"", "\"type\": \"charge.refunded\"")))
        .isEqualTo("data.object of a charge.refunded event is a Session, not a Charge");
  }

  @Test
  void typesObolDoesNotUseAreIrrelevantWhateverTheirObjectHolds() {
    String other =
        SESSION
            .replace("\"type\": \"checkout.session.completed\"", "\"type\": \"payout.paid\"")
            .replace("\"amount_total\": 3999", "\"amount_total\": \"n/a\"");
    assertThat(translator.read(other).event()).isEqualTo(new PaymentEvent.Irrelevant());
  }

  private String unreadable(String payload) {
    PaymentEvent event = translator.read(payload).event();
    assertThat(event).isInstanceOf(PaymentEvent.Unreadable.class);
    return ((PaymentEvent.Unreadable) event).why();
  }
}
