package dev.obol.persistence;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.payment.EventOutcome;
import dev.obol.domain.payment.ReceivedEvent;
import dev.obol.domain.payment.RecordedEvent;
import dev.obol.domain.port.AccountStore.LockMode;
import dev.obol.domain.port.PaymentSession;
import dev.obol.domain.port.PaymentStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Provider events, payments, subscriptions and quota periods on PostgreSQL, through their repositories
 * ({@link PaymentRepositories}; {@link PaymentRows} maps their rows). An event, its account's lock and every write
 * its processing makes (grants, ledger entries, payment rows) share one connection and one transaction: the
 * repositories join the unit of work's transaction, and the account's part takes the one open-work-flush path
 * ({@link Transactions#inAccountTransaction}, {@link Transactions#inOpenAccountTransaction}).
 */
public final class PostgresPaymentStore implements PaymentStore {

  private final Transactions transactions;
  private final Clock clock;
  private final PaymentRepositories tables;

  public PostgresPaymentStore(Transactions transactions, Clock clock, PaymentRepositories tables) {
    this.transactions = transactions;
    this.clock = clock;
    this.tables = tables;
  }

  @Override
  public Optional<EventOutcome> processOnce(
      ReceivedEvent event,
      AccountId accountId,
      LockMode mode,
      Function<PaymentSession, EventOutcome> work,
      EventOutcome outcomeWithoutAccount) {
    return transactions.inTransaction(
        "processing event " + event.eventId(),
        connection -> {
          // A concurrent delivery of the same event waits here on the key until this transaction ends, then sees it.
          int inserted =
              tables
                  .events()
                  .insertIfNew(
                      event.eventId(),
                      event.type(),
                      accountId == null ? null : accountId.value(),
                      event.payload(),
                      event.createdAt(),
                      clock.instant());
          if (inserted != 1) {
            return Optional.<EventOutcome>empty();
          }
          EventOutcome outcome = process(connection, accountId, mode, work, outcomeWithoutAccount);
          recordOutcome(event.eventId(), outcome, null);
          return Optional.of(outcome);
        });
  }

  @Override
  public Optional<EventOutcome> reprocessOnce(
      String eventId, Function<RecordedEvent, Optional<Processing>> plan) {
    return transactions.inTransaction(
        "reprocessing event " + eventId,
        connection -> {
          // The row lock orders this against a concurrent reprocess of the same event: the second one waits, then
          // reads the first one's outcome (READ COMMITTED re-reads a row it had to wait for).
          Optional<RecordedEvent> stored = tables.events().lockById(eventId).map(PaymentRows::recordedEvent);
          if (stored.isEmpty()) {
            return Optional.<EventOutcome>empty();
          }
          Optional<Processing> processing = plan.apply(stored.get());
          if (processing.isEmpty()) {
            return Optional.of(stored.get().outcome());
          }
          Processing p = processing.get();
          EventOutcome outcome = process(connection, p.accountId(), p.mode(), p.work(), p.outcomeWithoutAccount());
          recordOutcome(eventId, outcome, p.accountId());
          return Optional.of(outcome);
        });
  }

  /** The account's part of an event, in the event's transaction (already open on {@code connection}). */
  private EventOutcome process(
      Connection connection,
      AccountId accountId,
      LockMode mode,
      Function<PaymentSession, EventOutcome> work,
      EventOutcome outcomeWithoutAccount)
      throws SQLException {
    if (accountId == null) {
      return outcomeWithoutAccount;
    }
    return transactions.inOpenAccountTransaction(
        connection, accountId, mode, s -> work.apply(new PostgresPaymentSession(s, accountId, tables)));
  }

  /** @param accountId null: the stored account stays as it is */
  private void recordOutcome(String eventId, EventOutcome outcome, AccountId accountId) {
    tables
        .events()
        .recordOutcome(
            eventId, outcome.code().name(), outcome.detail(), accountId == null ? null : accountId.value());
  }

  @Override
  public <T> T inTransaction(AccountId accountId, Function<PaymentSession, T> work) {
    return transactions.inAccountTransaction(
        accountId,
        LockMode.EXISTING,
        null,
        null,
        s -> work.apply(new PostgresPaymentSession(s, accountId, tables)));
  }

  @Override
  public Optional<AccountId> accountOfPaymentIntent(String paymentIntentId) {
    return tables.payments().findAccountIdByPaymentIntentId(paymentIntentId).map(AccountId::of);
  }

  @Override
  public Optional<AccountId> accountOfCustomer(String customerId) {
    return transactions.query(
        "SELECT account_id FROM payment_customers WHERE customer_id = ?",
        statement -> statement.setString(1, customerId),
        rows -> rows.next() ? Optional.of(AccountId.of(rows.getString(1))) : Optional.empty());
  }

  @Override
  public List<SubscriptionRef> subscriptionsDue(Instant now, int limit) {
    return tables.subscriptions().due(now, limit).stream().map(PaymentRows::subscriptionRef).toList();
  }

  /** A stored event, for tests and operators: type, account, outcome, detail and the raw payload. */
  public Optional<StoredEvent> event(String eventId) {
    return tables.events().findById(eventId).map(PaymentRows::storedEvent);
  }

  public long eventCount() {
    return tables.events().count();
  }

  public record StoredEvent(
      String eventId, String type, String accountId, String outcome, String detail, String payload) {}
}
