package dev.obol.persistence;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Notification;
import dev.obol.domain.port.out.Outbox;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The notification outbox on PostgreSQL. Rows are written by {@link PostgresSession#publish} inside the change's
 * transaction; this class hands them to the relay. A claim is one short statement that locks due rows with
 * {@code FOR UPDATE SKIP LOCKED} and pushes their next attempt to the end of a lease, so instances never wait for each
 * other, never send one event in parallel, and no connection is held while HTTP calls run.
 */
public final class PostgresOutbox implements Outbox {

  private final DataSource dataSource;

  public PostgresOutbox(DataSource dataSource) {
    this.dataSource = dataSource;
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
    String sql =
        "UPDATE outbox o SET attempts = o.attempts + 1, next_attempt_at = ?"
            + " FROM (SELECT account_id, event_id FROM outbox"
            + "       WHERE delivered_at IS NULL AND next_attempt_at <= ?"
            + "       ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED) due"
            + " WHERE o.account_id = due.account_id AND o.event_id = due.event_id"
            + " RETURNING o.account_id, o.event_id, o.type, o.body, o.attempts, o.delivered_to, o.created_at";
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(true);
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        Jdbc.setInstant(statement, 1, leaseUntil);
        Jdbc.setInstant(statement, 2, now);
        statement.setInt(3, limit);
        List<PendingNotification> claimed = new ArrayList<>();
        List<Instant> createdAt = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            Array delivered = rows.getArray("delivered_to");
            claimed.add(
                new PendingNotification(
                    AccountId.of(rows.getString("account_id")),
                    rows.getString("event_id"),
                    rows.getString("type"),
                    rows.getString("body"),
                    rows.getInt("attempts"),
                    Set.of((String[]) delivered.getArray())));
            createdAt.add(Jdbc.getInstant(rows, "created_at"));
          }
        }
        // Oldest first, so a subscriber mostly sees an account's events in order (it must still dedupe and sort).
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < claimed.size(); i++) {
          order.add(i);
        }
        order.sort((a, b) -> createdAt.get(a).compareTo(createdAt.get(b)));
        return order.stream().map(claimed::get).toList();
      }
    } catch (SQLException e) {
      throw new PersistenceException("claiming due notifications failed", e);
    }
  }

  @Override
  public void markDelivered(PendingNotification notification, Set<String> deliveredTo, Instant at) {
    update(
        "UPDATE outbox SET delivered_at = ?, delivered_to = ?, next_attempt_at = NULL, last_error = NULL"
            + " WHERE account_id = ? AND event_id = ?",
        notification,
        at,
        deliveredTo,
        null);
  }

  @Override
  public int purgeDelivered(Instant deliveredBefore, int limit) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(true);
      try (PreparedStatement statement =
          connection.prepareStatement(
              "DELETE FROM outbox WHERE (account_id, event_id) IN (SELECT account_id, event_id FROM outbox"
                  + " WHERE delivered_at < ? ORDER BY delivered_at LIMIT ?)")) {
        Jdbc.setInstant(statement, 1, deliveredBefore);
        statement.setInt(2, limit);
        return statement.executeUpdate();
      }
    } catch (SQLException e) {
      throw new PersistenceException("purging delivered notifications failed", e);
    }
  }

  @Override
  public void retryLater(
      PendingNotification notification, Set<String> deliveredTo, Instant nextAttemptAt, String error) {
    update(
        "UPDATE outbox SET next_attempt_at = ?, delivered_to = ?, last_error = ? WHERE account_id = ? AND event_id = ?",
        notification,
        nextAttemptAt,
        deliveredTo,
        error == null ? "" : error.substring(0, Math.min(error.length(), 1000)));
  }

  private void update(
      String sql, PendingNotification notification, Instant at, Set<String> deliveredTo, String error) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(true);
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        int i = 1;
        Jdbc.setInstant(statement, i++, at);
        statement.setArray(i++, connection.createArrayOf("text", deliveredTo.stream().sorted().toArray()));
        if (error != null) {
          statement.setString(i++, error);
        }
        statement.setString(i++, notification.accountId().value());
        statement.setString(i, notification.eventId());
        statement.executeUpdate();
      }
    } catch (SQLException e) {
      throw new PersistenceException("updating notification " + notification.eventId() + " failed", e);
    }
  }

  /** Events of the account not delivered yet (for tests and operators). */
  public long undelivered(AccountId accountId) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT count(*) FROM outbox WHERE account_id = ? AND delivered_at IS NULL")) {
      statement.setString(1, accountId.value());
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    } catch (SQLException e) {
      throw new PersistenceException("counting undelivered notifications failed", e);
    }
  }
}
