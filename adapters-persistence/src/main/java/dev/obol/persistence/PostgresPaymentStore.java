package dev.obol.persistence;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.payment.EventOutcome;
import dev.obol.domain.payment.ReceivedEvent;
import dev.obol.domain.payment.RecordedEvent;
import dev.obol.domain.port.AccountStore.LockMode;
import dev.obol.domain.port.PaymentSession;
import dev.obol.domain.port.PaymentStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Provider events, payments, subscriptions and quota periods on PostgreSQL. An event, its account's lock and every
 * write its processing makes (grants, ledger entries, payment rows) share one connection and one transaction.
 */
public final class PostgresPaymentStore implements PaymentStore {

  private final DataSource dataSource;
  private final Clock clock;

  public PostgresPaymentStore(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  @Override
  public Optional<EventOutcome> processOnce(
      ReceivedEvent event,
      AccountId accountId,
      LockMode mode,
      Function<PaymentSession, EventOutcome> work,
      EventOutcome outcomeWithoutAccount) {
    return Transactions.inTransaction(
        dataSource,
        "processing event " + event.eventId(),
        connection -> {
          // A concurrent delivery of the same event waits here on the key until this transaction ends, then sees it.
          if (!insertEvent(connection, event, accountId)) {
            return Optional.<EventOutcome>empty();
          }
          EventOutcome outcome;
          if (accountId == null) {
            outcome = outcomeWithoutAccount;
          } else {
            PostgresSession session = PostgresSession.open(connection, accountId, mode, null);
            outcome = work.apply(new PostgresPaymentSession(session, accountId));
            session.flush();
          }
          recordOutcome(connection, event.eventId(), outcome, null);
          return Optional.of(outcome);
        });
  }

  @Override
  public Optional<EventOutcome> reprocessOnce(
      String eventId, Function<RecordedEvent, Optional<Processing>> plan) {
    return Transactions.inTransaction(
        dataSource,
        "reprocessing event " + eventId,
        connection -> {
          // The row lock orders this against a concurrent reprocess of the same event: the second one waits, then
          // reads the first one's outcome (READ COMMITTED re-reads a row it had to wait for).
          Optional<RecordedEvent> stored = lockEvent(connection, eventId);
          if (stored.isEmpty()) {
            return Optional.<EventOutcome>empty();
          }
          Optional<Processing> processing = plan.apply(stored.get());
          if (processing.isEmpty()) {
            return Optional.of(stored.get().outcome());
          }
          Processing p = processing.get();
          EventOutcome outcome;
          if (p.accountId() == null) {
            outcome = p.outcomeWithoutAccount();
          } else {
            PostgresSession session = PostgresSession.open(connection, p.accountId(), p.mode(), null);
            outcome = p.work().apply(new PostgresPaymentSession(session, p.accountId()));
            session.flush();
          }
          recordOutcome(connection, eventId, outcome, p.accountId());
          return Optional.of(outcome);
        });
  }

  private static Optional<RecordedEvent> lockEvent(Connection connection, String eventId) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT event_id, type, payload, outcome, detail FROM stripe_events WHERE event_id = ? FOR UPDATE")) {
      statement.setString(1, eventId);
      try (ResultSet rows = statement.executeQuery()) {
        if (!rows.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new RecordedEvent(
                rows.getString(1),
                rows.getString(2),
                rows.getString(3),
                EventOutcome.of(EventOutcome.Code.valueOf(rows.getString(4)), rows.getString(5))));
      }
    }
  }

  private boolean insertEvent(Connection connection, ReceivedEvent event, AccountId accountId) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "INSERT INTO stripe_events (event_id, type, account_id, payload, outcome, created_at, received_at)"
                + " VALUES (?, ?, ?, ?, 'PROCESSING', ?, ?) ON CONFLICT (event_id) DO NOTHING")) {
      statement.setString(1, event.eventId());
      statement.setString(2, event.type());
      statement.setString(3, accountId == null ? null : accountId.value());
      statement.setString(4, event.payload());
      Jdbc.setInstant(statement, 5, event.createdAt());
      Jdbc.setInstant(statement, 6, clock.instant());
      return statement.executeUpdate() == 1;
    }
  }

  /** @param accountId null: the stored account stays as it is */
  private static void recordOutcome(Connection connection, String eventId, EventOutcome outcome, AccountId accountId)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "UPDATE stripe_events SET outcome = ?, detail = ?, account_id = coalesce(?, account_id)"
                + " WHERE event_id = ?")) {
      statement.setString(1, outcome.code().name());
      statement.setString(2, outcome.detail());
      statement.setString(3, accountId == null ? null : accountId.value());
      statement.setString(4, eventId);
      statement.executeUpdate();
    }
  }

  @Override
  public <T> T inTransaction(AccountId accountId, Function<PaymentSession, T> work) {
    return Transactions.inTransaction(
        dataSource,
        "transaction on account " + accountId,
        connection -> {
          PostgresSession session = PostgresSession.open(connection, accountId, LockMode.EXISTING, null);
          T result = work.apply(new PostgresPaymentSession(session, accountId));
          session.flush();
          return result;
        });
  }

  @Override
  public Optional<AccountId> accountOfPaymentIntent(String paymentIntentId) {
    return query(
        "SELECT account_id FROM payments WHERE payment_intent_id = ? LIMIT 1",
        statement -> statement.setString(1, paymentIntentId),
        rows -> rows.next() ? Optional.of(AccountId.of(rows.getString(1))) : Optional.empty());
  }

  @Override
  public List<SubscriptionRef> subscriptionsDue(Instant now, int limit) {
    return query(
        "SELECT account_id, subscription_id FROM subscriptions WHERE next_period_at <= ?"
            + " ORDER BY next_period_at LIMIT ?",
        statement -> {
          Jdbc.setInstant(statement, 1, now);
          statement.setInt(2, limit);
        },
        rows -> {
          List<SubscriptionRef> refs = new ArrayList<>();
          while (rows.next()) {
            refs.add(new SubscriptionRef(AccountId.of(rows.getString(1)), rows.getString(2)));
          }
          return refs;
        });
  }

  /** A stored event, for tests and operators: type, account, outcome, detail and the raw payload. */
  public Optional<StoredEvent> event(String eventId) {
    return query(
        "SELECT event_id, type, account_id, outcome, detail, payload FROM stripe_events WHERE event_id = ?",
        statement -> statement.setString(1, eventId),
        rows ->
            rows.next()
                ? Optional.of(
                    new StoredEvent(
                        rows.getString(1),
                        rows.getString(2),
                        rows.getString(3),
                        rows.getString(4),
                        rows.getString(5),
                        rows.getString(6)))
                : Optional.empty());
  }

  public long eventCount() {
    return query("SELECT count(*) FROM stripe_events", statement -> {}, rows -> rows.next() ? rows.getLong(1) : 0);
  }

  public record StoredEvent(
      String eventId, String type, String accountId, String outcome, String detail, String payload) {}

  private <T> T query(String sql, Transactions.Binder binder, Transactions.Reader<T> reader) {
    return Transactions.query(dataSource, sql, binder, reader);
  }
}
