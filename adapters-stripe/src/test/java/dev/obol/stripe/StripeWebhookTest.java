package dev.obol.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import com.stripe.net.Webhook;
import dev.obol.domain.payment.EventOutcome;
import dev.obol.domain.payment.EventResult;
import dev.obol.domain.payment.PaymentCatalog;
import dev.obol.domain.payment.PaymentEvent;
import dev.obol.domain.payment.ReceivedEvent;
import dev.obol.domain.usecase.PaymentEventUseCases;
import dev.obol.domain.testing.MutableClock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Signature checks against Obol's clock, with the test vector of ../shared/stripe-events/README.md. */
class StripeWebhookTest {

  private static final String PAYLOAD = StripeEventTranslatorTest.fixture("charge.refunded.json");
  private static final String VECTOR_HEADER =
      "t=1786357800,v1=649f3a44b32620ce6c4b4cbf53d9a075fce1d1acbdff8cfd3df4b249339fa1d6";

  private final MutableClock clock = MutableClock.at("2026-08-10T10:30:10Z");
  private final List<ReceivedEvent> handled = new ArrayList<>();
  private final List<PaymentEvent> translated = new ArrayList<>();
  private RuntimeException failure;

  private final PaymentEventUseCases events =
      new PaymentEventUseCases() {
        @Override
        public EventResult handle(ReceivedEvent received, PaymentEvent event) {
          if (failure != null) {
            throw failure;
          }
          handled.add(received);
          translated.add(event);
          if (event instanceof PaymentEvent.Unreadable unreadable) {
            return new EventResult.Processed(EventOutcome.unreadable(unreadable.why()));
          }
          return new EventResult.Processed(EventOutcome.of(EventOutcome.Code.CLAWED_BACK, "test"));
        }

        @Override
        public int issueDueQuotaPeriods() {
          return 0;
        }

        @Override
        public EventOutcome reprocess(String eventId) {
          throw new UnsupportedOperationException();
        }
      };

  private StripeWebhook webhook(String... secrets) {
    return new StripeWebhook(List.of(secrets), new StripeEventTranslator(PaymentCatalog.defaults()), events, clock);
  }

  @Test
  void theReadmeTestVectorVerifiesAndTheRawPayloadIsKept() {
    assertThat(clock.instant().getEpochSecond()).isEqualTo(1786357810L);

    StripeWebhook.Response response = webhook("whsec_test_secret").receive(PAYLOAD, VECTOR_HEADER);

    assertThat(response).isEqualTo(new StripeWebhook.Response(200, "CLAWED_BACK"));
    assertThat(handled).singleElement().satisfies(event -> {
      assertThat(event.eventId()).isEqualTo("evt_101Lna2njTz8qHHXSAHg852s");
      assertThat(event.type()).isEqualTo("charge.refunded");
      assertThat(event.payload()).isEqualTo(PAYLOAD);
    });
  }

  @Test
  void theToleranceIsCheckedAgainstObolsClock() {
    clock.set(java.time.Instant.ofEpochSecond(1786357800L + 301));
    assertThat(webhook("whsec_test_secret").receive(PAYLOAD, VECTOR_HEADER).status()).isEqualTo(400);
    clock.set(java.time.Instant.ofEpochSecond(1786357800L + 300));
    assertThat(webhook("whsec_test_secret").receive(PAYLOAD, VECTOR_HEADER).status()).isEqualTo(200);
  }

  @Test
  void anyConfiguredSecretVerifiesAndNoneIsA400() {
    assertThat(webhook("whsec_old", "whsec_test_secret").receive(PAYLOAD, VECTOR_HEADER).status()).isEqualTo(200);
    assertThat(webhook("whsec_old", "whsec_other").receive(PAYLOAD, VECTOR_HEADER).status()).isEqualTo(400);
    assertThat(webhook("whsec_test_secret").receive(PAYLOAD, null).status()).isEqualTo(400);
    assertThat(webhook("whsec_test_secret").receive(PAYLOAD + " ", VECTOR_HEADER).status()).isEqualTo(400);
    assertThat(handled).hasSize(1);
  }

  @Test
  void aSignedBodyThatIsNotAnEventIsStoredAsUnreadableUnderTheHashOfItsBytes() throws Exception {
    String notJson = "not json";
    String header = Webhook.Signature.generateSignatureHeader(notJson, "whsec_test_secret", 1786357805L);

    assertThat(webhook("whsec_test_secret").receive(notJson, header))
        .isEqualTo(new StripeWebhook.Response(200, "UNREADABLE"));

    assertThat(handled).singleElement().satisfies(event -> {
      assertThat(event.eventId())
          .isEqualTo("sha256:" + java.util.HexFormat.of().formatHex(
              java.security.MessageDigest.getInstance("SHA-256").digest("not json".getBytes("UTF-8"))));
      assertThat(event.type()).isEqualTo(StripeWebhook.UNKNOWN_TYPE);
      assertThat(event.payload()).isEqualTo(notJson);
    });
    assertThat(translated).containsExactly(new PaymentEvent.Unreadable("the body is not JSON"));
  }

  @Test
  void aSignedEventWithAnIdButAWrongTypeIsUnreadableUnderItsOwnId() throws Exception {
    String bad = PAYLOAD.replace("\"amount_refunded\": 3999", "\"amount_refunded\": \"3999 cents\"");
    String header = Webhook.Signature.generateSignatureHeader(bad, "whsec_test_secret", 1786357805L);

    assertThat(webhook("whsec_test_secret").receive(bad, header))
        .isEqualTo(new StripeWebhook.Response(200, "UNREADABLE"));

    assertThat(handled).singleElement().extracting(ReceivedEvent::eventId).isEqualTo("evt_101Lna2njTz8qHHXSAHg852s");
    assertThat(translated)
        .containsExactly(new PaymentEvent.Unreadable("data.object.amount_refunded is not a number"));
  }

  @Test
  void aProcessingFailureIsA500WithoutDetailsSoStripeRetries() {
    failure = new IllegalStateException("database down");
    StripeWebhook.Response response = webhook("whsec_test_secret").receive(PAYLOAD, VECTOR_HEADER);
    assertThat(response.status()).isEqualTo(500);
    assertThat(response.body()).doesNotContain("database");
  }

  @Test
  void withoutSecretsTheWebhookIsUnavailableSoStripeRetriesLater() {
    assertThat(webhook().receive(PAYLOAD, VECTOR_HEADER).status()).isEqualTo(503);
    assertThat(webhook(" ", "").receive(PAYLOAD, VECTOR_HEADER).status()).isEqualTo(503);
  }
}
