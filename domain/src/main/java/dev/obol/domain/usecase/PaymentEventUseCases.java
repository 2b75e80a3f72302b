package dev.obol.domain.usecase;

import dev.obol.domain.payment.EventResult;
import dev.obol.domain.payment.PaymentEvent;
import dev.obol.domain.payment.ReceivedEvent;

/** What the payment provider tells Obol (the webhook) and what follows from it over time (the scheduler). */
public interface PaymentEventUseCases {

  /**
   * Processes a verified event once, with its ledger writes, in one transaction. Throws when processing failed (so
   * the provider retries); a duplicate or an irrelevant event is a normal result.
   */
  EventResult handle(ReceivedEvent received, PaymentEvent event);

  /**
   * Issues the monthly quota periods that are due for yearly plans (each monthly anniversary of a paid year). Safe on
   * several instances at once: each period is issued at most once.
   *
   * @return how many periods were issued
   */
  int issueDueQuotaPeriods();

  /**
   * Processes a stored event again (an operator's AdminService.ReprocessStripeEvent, e.g. for an event stored as
   * unreadable, after a fix). Idempotent like every delivery: only an event that wrote nothing (stored as IGNORED or
   * UNREADABLE) is read again with the current code and applied, with its effects in one transaction; any other
   * outcome (its effects were applied) is returned unchanged. Safe against a concurrent reprocess or redelivery.
   *
   * @return the event's outcome after reprocessing, as now stored
   * @throws dev.obol.domain.error.InvalidArgumentException MISSING_FIELD when the id is blank
   * @throws dev.obol.domain.error.NotFoundException EVENT_NOT_FOUND when no event with this id was stored
   */
  dev.obol.domain.payment.EventOutcome reprocess(String eventId);
}
