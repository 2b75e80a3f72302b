package dev.obol.persistence;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Notification;
import dev.obol.domain.port.Outbox;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The notification outbox on PostgreSQL, through {@link OutboxRepository} (this class maps its rows). A row is
 * written inside the change's transaction, as a statement of the account's session ({@link PostgresSession#publish}
 * sends {@link #APPEND_SQL} after the session's held-back writes); this class hands the rows to the relay. A claim is
 * one short statement that locks due rows with
 * {@code FOR UPDATE SKIP LOCKED} and pushes their next attempt to the end of a lease, so instances never wait for each
 * other, never send one event in parallel, and no connection is held while HTTP calls run.
 */
public final class PostgresOutbox implements Outbox {

  private final OutboxRepository rows;

  public PostgresOutbox(OutboxRepository rows) {
    this.rows = rows;
  }

  /** Due at once: the relay's next claim picks it up. */
  static final String APPEND_SQL =
      "INSERT INTO outbox (account_id, event_id, type, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?)";

  static void bindAppend(PreparedStatement statement, AccountId accountId, Notification notification)
      throws SQLException {
    statement.setString(1, accountId.value());
    statement.setString(2, notification.eventId());
    statement.setString(3, notification.type().wireName());
    statement.setString(4, body(notification));
    Jdbc.setInstant(statement, 5, notification.createdAt());
    Jdbc.setInstant(statement, 6, notification.createdAt());
  }

  /** The event as sent: {@code {"id","type","account_id","created_at","data"}}. */
  static String body(Notification notification) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", notification.eventId());
    body.put("type", notification.type().wireName());
    body.put("account_id", notification.accountId().value());
    body.put("created_at", notification.createdAt().toString());
    body.put("data", notification.data());
    return JsonCodec.write(body);
  }

  @Override
  public List<PendingNotification> claimDue(Instant now, Instant leaseUntil, int limit) {
    // Oldest first, so a subscriber mostly sees an account's events in order (it must still dedupe and sort).
    return rows.claimDue(now, leaseUntil, limit).stream()
        .sorted(Comparator.comparing(OutboxRow::createdAt))
        .map(PostgresOutbox::pending)
        .toList();
  }

  @Override
  public void markDelivered(PendingNotification notification, Set<String> deliveredTo, Instant at) {
    rows.markDelivered(notification.accountId().value(), notification.eventId(), sorted(deliveredTo), at);
  }

  @Override
  public int purgeDelivered(Instant deliveredBefore, int limit) {
    return rows.purgeDelivered(deliveredBefore, limit);
  }

  @Override
  public void retryLater(
      PendingNotification notification, Set<String> deliveredTo, Instant nextAttemptAt, String error) {
    rows.retryLater(
        notification.accountId().value(),
        notification.eventId(),
        sorted(deliveredTo),
        nextAttemptAt,
        error == null ? "" : error.substring(0, Math.min(error.length(), 1000)));
  }

  /** Events of the account not delivered yet (for tests and operators). */
  public long undelivered(AccountId accountId) {
    return rows.countUndelivered(accountId.value());
  }

  private static String[] sorted(Set<String> deliveredTo) {
    return deliveredTo.stream().sorted().toArray(String[]::new);
  }

  /** The one mapping from the row to the domain's pending notification. */
  private static PendingNotification pending(OutboxRow row) {
    return new PendingNotification(
        AccountId.of(row.accountId()),
        row.eventId(),
        row.type(),
        row.body(),
        row.attempts(),
        Set.of(row.deliveredTo()));
  }

  /** What waits to be delivered, for monitoring; two cheap reads, outside any account's transaction. */
  public Backlog backlog() {
    return new Backlog(rows.countPending(), rows.oldestPendingCreatedAt());
  }

  /** @param oldestCreatedAt null when nothing is pending */
  public record Backlog(long pending, Instant oldestCreatedAt) {}
}
