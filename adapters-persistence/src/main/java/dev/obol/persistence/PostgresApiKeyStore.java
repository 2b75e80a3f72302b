package dev.obol.persistence;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.port.out.ApiKeyStore;
import dev.obol.domain.security.ApiKey;
import dev.obol.domain.security.Scope;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** API keys on PostgreSQL (table {@code api_keys}); off the hot path, since verified keys are cached. */
public final class PostgresApiKeyStore implements ApiKeyStore, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresApiKeyStore.class);
  private static final String COLUMNS =
      "SELECT key_id, name, scopes, account_id, secret_sha256, expires_at, created_at, last_used_at, revoked_at,"
          + " fingerprint FROM api_keys";
  /** Pending last-use updates beyond this are dropped: a statistic must never queue up behind a slow database. */
  private static final int USE_UPDATES_QUEUED_MAX = 1_000;

  private final DataSource dataSource;
  private final ThreadPoolExecutor useUpdates =
      new ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.SECONDS,
          new ArrayBlockingQueue<>(USE_UPDATES_QUEUED_MAX),
          runnable -> {
            Thread thread = new Thread(runnable, "obol-key-last-used");
            thread.setDaemon(true);
            return thread;
          },
          new ThreadPoolExecutor.DiscardPolicy());

  public PostgresApiKeyStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public Insertion insert(NewKey key) {
    return Transactions.inTransaction(
        dataSource,
        "insert API key",
        connection -> {
          ApiKey k = key.key();
          try (PreparedStatement insert =
              connection.prepareStatement(
                  "INSERT INTO api_keys (key_id, name, scopes, account_id, secret_sha256, expires_at, created_at,"
                      + " created_by, request_id, fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                      + " ON CONFLICT (coalesce(created_by, ''), request_id) DO NOTHING")) {
            insert.setString(1, k.keyId());
            insert.setString(2, k.name());
            insert.setArray(3, connection.createArrayOf("text", wireNames(k.scopes())));
            insert.setString(4, k.accountId() == null ? null : k.accountId().value());
            insert.setBytes(5, key.secretSha256());
            Jdbc.setInstant(insert, 6, k.expiresAt());
            Jdbc.setInstant(insert, 7, k.createdAt());
            insert.setString(8, key.createdBy());
            insert.setString(9, key.requestId());
            insert.setString(10, key.fingerprint());
            if (insert.executeUpdate() == 1) {
              return new Insertion(k, key.fingerprint(), true);
            }
          }
          try (PreparedStatement first =
              connection.prepareStatement(
                  COLUMNS + " WHERE coalesce(created_by, '') = coalesce(?, '') AND request_id = ?")) {
            first.setString(1, key.createdBy());
            first.setString(2, key.requestId());
            try (ResultSet rows = first.executeQuery()) {
              rows.next();
              return new Insertion(key(rows), rows.getString("fingerprint"), false);
            }
          }
        });
  }

  @Override
  public Optional<StoredKey> find(String keyId) {
    return Transactions.query(
        dataSource,
        COLUMNS + " WHERE key_id = ?",
        statement -> statement.setString(1, keyId),
        rows -> rows.next() ? Optional.of(new StoredKey(key(rows), rows.getBytes("secret_sha256"))) : Optional.empty());
  }

  @Override
  public List<ApiKey> list(String afterKeyId, int limit) {
    return Transactions.query(
        dataSource,
        COLUMNS + " WHERE key_id > ? ORDER BY key_id LIMIT ?",
        statement -> {
          statement.setString(1, afterKeyId == null ? "" : afterKeyId);
          statement.setInt(2, limit);
        },
        rows -> {
          List<ApiKey> keys = new ArrayList<>();
          while (rows.next()) {
            keys.add(key(rows));
          }
          return keys;
        });
  }

  @Override
  public Optional<ApiKey> revoke(String keyId, Instant at, String revokedBy) {
    return Transactions.inTransaction(
        dataSource,
        "revoke API key " + keyId,
        connection -> {
          try (PreparedStatement update =
              connection.prepareStatement(
                  "UPDATE api_keys SET revoked_at = ?, revoked_by = ? WHERE key_id = ? AND revoked_at IS NULL")) {
            Jdbc.setInstant(update, 1, at);
            update.setString(2, revokedBy);
            update.setString(3, keyId);
            update.executeUpdate();
          }
          try (PreparedStatement read = connection.prepareStatement(COLUMNS + " WHERE key_id = ?")) {
            read.setString(1, keyId);
            try (ResultSet rows = read.executeQuery()) {
              return rows.next() ? Optional.of(key(rows)) : Optional.empty();
            }
          }
        });
  }

  @Override
  public void recordUse(String keyId, Instant at) {
    useUpdates.execute(
        () -> {
          try {
            Transactions.inTransaction(
                dataSource,
                "record use of API key " + keyId,
                connection -> {
                  try (PreparedStatement update =
                      connection.prepareStatement(
                          "UPDATE api_keys SET last_used_at = ? WHERE key_id = ?"
                              + " AND (last_used_at IS NULL OR last_used_at < ?)")) {
                    Jdbc.setInstant(update, 1, at);
                    update.setString(2, keyId);
                    Jdbc.setInstant(update, 3, at);
                    return update.executeUpdate();
                  }
                });
          } catch (RuntimeException e) {
            LOG.warn("could not record the last use of API key {}: {}", keyId, e.getMessage());
          }
        });
  }

  @Override
  public boolean anyUsable(Instant now) {
    return Transactions.query(
        dataSource,
        "SELECT 1 FROM api_keys WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?) LIMIT 1",
        statement -> Jdbc.setInstant(statement, 1, now),
        ResultSet::next);
  }

  @Override
  public void close() {
    useUpdates.shutdown();
    try {
      useUpdates.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String[] wireNames(Set<Scope> scopes) {
    return scopes.stream().map(Scope::wireName).sorted().toArray(String[]::new);
  }

  private static ApiKey key(ResultSet rows) throws SQLException {
    Array array = rows.getArray("scopes");
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (String name : (String[]) array.getArray()) {
      scopes.add(Scope.parse(name));
    }
    String accountId = rows.getString("account_id");
    return new ApiKey(
        rows.getString("key_id"),
        rows.getString("name"),
        scopes,
        accountId == null ? null : AccountId.of(accountId),
        Jdbc.getInstant(rows, "expires_at"),
        Jdbc.getInstant(rows, "created_at"),
        Jdbc.getInstant(rows, "last_used_at"),
        Jdbc.getInstant(rows, "revoked_at"));
  }
}
