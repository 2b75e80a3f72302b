package dev.obol.stripe;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.net.Webhook;
import dev.obol.domain.error.UnavailableException;
import dev.obol.domain.payment.EventOutcome;
import dev.obol.domain.payment.EventResult;
import dev.obol.domain.payment.ReceivedEvent;
import dev.obol.domain.usecase.PaymentEventUseCases;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook's logic, apart from HTTP: verify the signature, read, process once, and say which status Stripe must get.
 *
 * <ul>
 *   <li>2xx once the event is durably handled, ignored as irrelevant, or stored as UNREADABLE (signed, but it can
 *       never be processed as it is: Stripe would send the same bytes again for days; an operator reprocesses it after
 *       a fix);
 *   <li>400 for a missing, bad or stale signature (nothing stored: anyone can post);
 *   <li>5xx only when a retry can succeed: 503 while the database is unavailable or no signing secret is configured,
 *       500 for an unexpected failure while processing (rolled back, nothing stored).
 * </ul>
 */
public final class StripeWebhook {

  /** Stripe's own tolerance for the signed timestamp. */
  public static final long TOLERANCE_SECONDS = Webhook.DEFAULT_TOLERANCE;

  /** The stored type of an event whose type cannot be read (the column is required; Stripe's types contain dots). */
  static final String UNKNOWN_TYPE = "(unreadable)";

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
    if (!signed(payload, signatureHeader)) {
      return new Response(400, "invalid or stale signature");
    }
    // From here on Stripe sent these bytes: whatever they hold is stored, so none is retried for nothing.
    String eventId = null;
    String type = null;
    try {
      StripeEventTranslator.Reading reading = translator.read(payload);
      // No id, no dedupe key: the key is derived from the exact bytes instead, so Stripe's redeliveries of this body
      // (same bytes, new signature header) are duplicates, and the event is kept for an operator, not lost in a log.
      // It stays UNREADABLE for good: processing it could apply an event that also arrives with its id.
      eventId = reading.eventId() != null ? reading.eventId() : syntheticId(payload);
      type = reading.type() != null ? reading.type() : UNKNOWN_TYPE;
      Instant created = reading.createdAt() != null ? reading.createdAt() : clock.instant();
      EventResult result = events.handle(new ReceivedEvent(eventId, type, payload, created), reading.event());
      if (result instanceof EventResult.Processed processed) {
        EventOutcome outcome = processed.outcome();
        if (outcome.code() == EventOutcome.Code.UNREADABLE) {
          LOG.warn("stripe event {} ({}) stored as UNREADABLE: {}", eventId, type, outcome.detail());
        } else {
          LOG.info("stripe event {} ({}): {} {}", eventId, type, outcome.code(), outcome.detail());
        }
        return new Response(200, outcome.code().name());
      }
      return new Response(200, "DUPLICATE");
    } catch (UnavailableException e) {
      // The database is away (already logged, rate-limited, where it was found): nothing was stored, a retry succeeds.
      LOG.warn(
          "stripe event {} ({}) not processed: the database is unavailable; answered 503, Stripe will retry",
          eventId,
          type);
      return new Response(503, "database unavailable; retry");
    } catch (RuntimeException e) {
      LOG.error("stripe event {} ({}) failed; Stripe will retry", eventId, type, e);
      return new Response(500, "processing failed");
    }
  }

  /** Whether the header carries a valid signature by any configured secret within the tolerance. */
  private boolean signed(String payload, String signatureHeader) {
    for (String secret : secrets) {
      try {
        if (Webhook.Signature.verifyHeader(payload, signatureHeader, secret, TOLERANCE_SECONDS, clock)) {
          return true;
        }
      } catch (SignatureVerificationException e) {
        // try the next secret
      }
    }
    return false;
  }

  /** The key of an event without a usable id: {@code sha256:} and the hex SHA-256 of the body's UTF-8 bytes. */
  static String syntheticId(String payload) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(payload.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
