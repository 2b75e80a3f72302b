package dev.obol.domain.port.out;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.payment.EventOutcome;
import dev.obol.domain.payment.ReceivedEvent;
import dev.obol.domain.port.out.AccountStore.LockMode;
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

  /** One transaction on a locked account (the scheduler's work). */
  <T> T inTransaction(AccountId accountId, Function<PaymentSession, T> work);

  /**
   * The account that paid through this payment intent. A read across accounts, used only for refunds and disputes
   * that carry no account metadata.
   */
  Optional<AccountId> accountOfPaymentIntent(String paymentIntentId);

  /** Subscriptions whose next monthly quota period is due by {@code now} (a read across accounts). */
  List<SubscriptionRef> subscriptionsDue(Instant now, int limit);

  record SubscriptionRef(AccountId accountId, String subscriptionId) {}
}
