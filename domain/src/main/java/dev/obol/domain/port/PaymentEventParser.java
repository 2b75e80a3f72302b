package dev.obol.domain.port;

import dev.obol.domain.payment.PaymentEvent;

/** Reads a stored provider payload into a domain event with the current code (reprocessing). */
public interface PaymentEventParser {

  /**
   * @param rawPayload the body exactly as the provider signed it (already verified when it was received)
   * @return the event; {@link PaymentEvent.Unreadable} saying why when the payload cannot be read. Never throws for
   *     bad input.
   */
  PaymentEvent parse(String rawPayload);
}
