package dev.obol.domain.port;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.payment.EventOutcome;
import dev.obol.domain.payment.ReceivedEvent;
import dev.obol.domain.payment.RecordedEvent;
import dev.obol.domain.port.AccountStore.LockMode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Provider events, payments, subscriptions and quota periods. */
public interface PaymentStore {

  /**
   * Records the event and processes it, once. In one transaction: stores the event (if its id is already stored,
   * returns empty and does nothing else), locks the account, runs {@code work} and stores its outcome with the event.
   * When {@code work} throws, everything rolls back, the event included, so a redelivery processes it again.
   *
   * @param accountId null: no account is involved; {@code work} is not run and {@code outcomeWithoutAccount} is stored
   */
  Optional<EventOutcome> processOnce(
      ReceivedEvent event,
      AccountId accountId,
      LockMode mode,
      Function<PaymentSession, EventOutcome> work,
      EventOutcome outcomeWithoutAccount);

  /**
   * Processes a stored event again, once. In one transaction: locks the event's row (a concurrent reprocess waits here
   * and then sees this one's outcome; a redelivery is a duplicate anyway), hands the stored event to {@code plan}; when
   * the plan is empty, returns the stored outcome and changes nothing; else locks the plan's account, runs its work and
   * stores the new outcome (and the account) with the event. When the work throws, everything rolls back.
   *
   * @return empty when no event with this id is stored
   */
  Optional<EventOutcome> reprocessOnce(String eventId, Function<RecordedEvent, Optional<Processing>> plan);

  /**
   * What processing an event does.
   *
   * @param accountId null: no account is involved; {@code work} is not run and {@code outcomeWithoutAccount} is stored
   */
  record Processing(
      AccountId accountId,
      LockMode mode,
      Function<PaymentSession, EventOutcome> work,
      EventOutcome outcomeWithoutAccount) {}

  /** One transaction on a locked account (the scheduler's work). */
  <T> T inTransaction(AccountId accountId, Function<PaymentSession, T> work);

  /**
   * The account that paid through this payment intent. A read across accounts, used only for refunds and disputes
   * that carry no account metadata.
   */
  Optional<AccountId> accountOfPaymentIntent(String paymentIntentId);

  /** The account whose provider customer this is (a read across accounts, for payment methods attached to it). */
  Optional<AccountId> accountOfCustomer(String customerId);

  /** Subscriptions whose next monthly quota period is due by {@code now} (a read across accounts). */
  List<SubscriptionRef> subscriptionsDue(Instant now, int limit);

  record SubscriptionRef(AccountId accountId, String subscriptionId) {}
}
