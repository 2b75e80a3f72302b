package dev.obol.persistence;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.port.out.AccountStore.LockMode;
import dev.obol.domain.port.out.AccountStore.Prefetch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The two ways the stores talk to PostgreSQL, in one place: a unit of work in one transaction (committed when it
 * returns, rolled back when it throws, run again from scratch after a serialization failure or a deadlock), and a
 * read in its own short autocommit transaction.
 */
final class Transactions {

  /** Serialization failures and deadlocks are safe to retry: the transaction rolled back as a whole. */
  private static final int ATTEMPTS_MAX = 3;

  private Transactions() {}

  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }

  interface Reader<T> {
    T read(ResultSet rows) throws SQLException;
  }

  /** @param what names the work in the exception when it fails */
  static <T> T inTransaction(DataSource dataSource, String what, Work<T> work) {
    for (int attempt = 1; ; attempt++) {
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(false);
        try {
          T result = work.run(connection);
          connection.commit();
          return result;
        } catch (RuntimeException | Error e) {
          rollbackQuietly(connection, e);
          if (!(retryable(e) && attempt < ATTEMPTS_MAX)) {
            throw e;
          }
        } catch (SQLException e) {
          rollbackQuietly(connection, e);
          if (!(retryable(e) && attempt < ATTEMPTS_MAX)) {
            throw new PersistenceException(what + " failed", e);
          }
        }
      } catch (SQLException e) {
        throw new PersistenceException("no database connection", e);
      }
      // loop: the whole unit of work runs again from a clean state
    }
  }

  /**
   * A unit of work on one locked account in a transaction of its own: open, work, flush, commit (every account
   * transaction takes this path; {@link PostgresSession#inOpenTransaction} when it shares a transaction).
   *
   * @param prefetch null: nothing read ahead
   * @param keyId the API key whose call this serves, stamped on what it writes; null: Obol itself
   */
  static <T> T inAccountTransaction(
      DataSource dataSource,
      AccountId accountId,
      LockMode mode,
      Prefetch prefetch,
      String keyId,
      Function<? super PostgresSession, ? extends T> work) {
    return inTransaction(
        dataSource,
        "transaction on account " + accountId,
        connection -> PostgresSession.inOpenTransaction(connection, accountId, mode, prefetch, keyId, work));
  }

  static <T> T query(DataSource dataSource, String sql, Binder binder, Reader<T> reader) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(true);
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        binder.bind(statement);
        try (ResultSet rows = statement.executeQuery()) {
          return reader.read(rows);
        }
      }
    } catch (SQLException e) {
      throw new PersistenceException("query failed: " + sql.lines().findFirst().orElse(sql), e);
    }
  }

  private static boolean retryable(Throwable failure) {
    for (Throwable e = failure; e != null; e = e.getCause()) {
      if (e instanceof SQLException sql) {
        String state = sql.getSQLState();
        return "40001".equals(state) || "40P01".equals(state);
      }
    }
    return false;
  }

  private static void rollbackQuietly(Connection connection, Throwable cause) {
    try {
      connection.rollback();
    } catch (SQLException rollbackFailure) {
      cause.addSuppressed(rollbackFailure);
    }
  }
}
