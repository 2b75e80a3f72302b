package dev.obol.stripe;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Event;
import com.stripe.net.Webhook;
import dev.obol.domain.payment.EventResult;
import dev.obol.domain.payment.PaymentEvent;
import dev.obol.domain.payment.ReceivedEvent;
import dev.obol.domain.port.in.PaymentEventUseCases;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook's logic, apart from HTTP: verify the signature, translate, process once, and say which status Stripe
 * must get. 2xx once the event is durably handled (or ignored), 400 for a bad or stale signature (nothing stored),
 * 5xx when processing failed so that Stripe retries.
 */
public final class StripeWebhook {

  /** Stripe's own tolerance for the signed timestamp. */
  public static final long TOLERANCE_SECONDS = Webhook.DEFAULT_TOLERANCE;

  private static final Logger LOG = LoggerFactory.getLogger(StripeWebhook.class);

  private final List<String> secrets;
  private final StripeEventTranslator translator;
  private final PaymentEventUseCases events;
  private final Clock clock;

  /**
   * @param secrets the endpoint's signing secrets; several during a rotation (an event passes with any of them)
   * @param clock Obol's clock: the timestamp tolerance is checked against it, not the JVM's
   */
  public StripeWebhook(
      List<String> secrets, StripeEventTranslator translator, PaymentEventUseCases events, Clock clock) {
    this.secrets = secrets.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    this.translator = translator;
    this.events = events;
    this.clock = clock;
  }

  public record Response(int status, String body) {}

  public Response receive(String payload, String signatureHeader) {
    if (secrets.isEmpty()) {
      // 5xx, not 4xx: Stripe keeps retrying for days, so no event is lost while the secret is being configured.
      LOG.error("Stripe webhook called but OBOL_STRIPE_WEBHOOK_SECRETS is not set");
      return new Response(503, "webhook not configured");
    }
    if (signatureHeader == null || signatureHeader.isBlank() || payload == null) {
      return new Response(400, "missing Stripe-Signature");
    }
    Event event = verified(payload, signatureHeader);
    if (event == null) {
      return new Response(400, "invalid or stale signature");
    }
    try {
      PaymentEvent translated = translator.translate(event);
      Instant created = event.getCreated() == null ? clock.instant() : Instant.ofEpochSecond(event.getCreated());
      EventResult result =
          events.handle(new ReceivedEvent(event.getId(), event.getType(), payload, created), translated);
      if (result instanceof EventResult.Processed processed) {
        LOG.info(
            "stripe event {} ({}): {} {}",
            event.getId(),
            event.getType(),
            processed.outcome().code(),
            processed.outcome().detail());
        return new Response(200, processed.outcome().code().name());
      }
      return new Response(200, "DUPLICATE");
    } catch (RuntimeException e) {
      LOG.error("stripe event {} ({}) failed; Stripe will retry", event.getId(), event.getType(), e);
      return new Response(500, "processing failed");
    }
  }

  /** The event if the header carries a valid signature by any configured secret within the tolerance, else null. */
  private Event verified(String payload, String signatureHeader) {
    for (String secret : secrets) {
      try {
        return Webhook.constructEvent(payload, signatureHeader, secret, TOLERANCE_SECONDS, clock);
      } catch (SignatureVerificationException e) {
        // try the next secret
      } catch (RuntimeException e) {
        // Signed but not an event (Gson's parse exceptions): bad input, not a failure to retry.
        LOG.warn("signed Stripe webhook body is not an event: {}", e.getMessage());
        return null;
      }
    }
    return null;
  }
}
