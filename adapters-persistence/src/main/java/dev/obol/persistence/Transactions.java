package dev.obol.persistence;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.port.AccountStore.LockMode;
import dev.obol.domain.port.AccountStore.Prefetch;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.transaction.TransactionDefinition;
import io.micronaut.transaction.TransactionOperations;
import io.micronaut.transaction.exceptions.TransactionException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The two ways the stores talk to PostgreSQL, in one place: a unit of work in one transaction (committed when it
 * returns, rolled back when it throws, run again from scratch after a serialization failure or a deadlock), and a
 * read in its own short autocommit transaction.
 *
 * <p>The transaction is Micronaut's ({@code micronaut-data-tx-jdbc}, bound by {@link TransactionManagerBinding}), so
 * the repositories ({@link ApiKeyRepository}, {@link OutboxRepository}) called inside
 * a unit of work join it, on the same connection. The debit hot path ({@code PostgresSession}, {@code PendingWrites})
 * still writes its own SQL on that connection and does not go through repositories: it sends every write of a debit
 * as one statement, and its round trips per debit are counted (and benchmarked); a repository would send one
 * statement per row and re-read what it wrote.
 */
final class Transactions {

  /** Serialization failures and deadlocks are safe to retry: the transaction rolled back as a whole. */
  private static final int ATTEMPTS_MAX = 3;

  /**
   * A unit of work never joins an enclosing one: it may be run again from scratch, which only a transaction of its
   * own allows (and it is what the hand-written transactions did before: a connection of their own).
   */
  private static final TransactionDefinition UNIT_OF_WORK =
      TransactionDefinition.of(TransactionDefinition.Propagation.REQUIRES_NEW);

  /** The pool (and Micronaut's wrapper of it) → the context's transaction manager. */
  private static final Map<DataSource, TransactionOperations<Connection>> MANAGERS = new ConcurrentHashMap<>();

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

  static void bind(DataSource dataSource, TransactionOperations<Connection> manager) {
    MANAGERS.put(dataSource, manager);
    MANAGERS.put(DelegatingDataSource.unwrapDataSource(dataSource), manager);
  }

  static void unbind(DataSource dataSource) {
    MANAGERS.remove(dataSource);
    MANAGERS.remove(DelegatingDataSource.unwrapDataSource(dataSource));
  }

  /** @param what names the work in the exception when it fails */
  static <T> T inTransaction(DataSource dataSource, String what, Work<T> work) {
    TransactionOperations<Connection> manager = MANAGERS.get(dataSource);
    if (manager == null) {
      throw new IllegalStateException(
          "no transaction manager for this DataSource: take it from the Micronaut context (datasources.default)");
    }
    for (int attempt = 1; ; attempt++) {
      try {
        return manager.execute(
            UNIT_OF_WORK,
            status -> {
              try {
                return work.run(status.getConnection());
              } catch (SQLException e) {
                throw new SqlFailure(e);
              }
            });
      } catch (SqlFailure e) {
        if (!(retryable(e.getCause()) && attempt < ATTEMPTS_MAX)) {
          throw new PersistenceException(what + " failed", e.getCause());
        }
      } catch (DataAccessException | TransactionException e) {
        // A repository's statement, or the begin or commit: Micronaut's exceptions stay inside this module.
        if (!(retryable(e) && attempt < ATTEMPTS_MAX)) {
          throw new PersistenceException(what + " failed", e);
        }
      } catch (RuntimeException | Error e) {
        if (!(retryable(e) && attempt < ATTEMPTS_MAX)) {
          throw e;
        }
      }
      // loop: the whole unit of work runs again from a clean state (the manager rolled the failed one back)
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
    // The pool itself: Micronaut's wrapper hands out the current transaction's connection, and a read has none.
    try (Connection connection = DelegatingDataSource.unwrapDataSource(dataSource).getConnection()) {
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

  /** Carries a checked SQLException through the transaction manager's callback; the manager rolls back on it. */
  private static final class SqlFailure extends RuntimeException {
    SqlFailure(SQLException cause) {
      super(cause);
    }

    @Override
    public synchronized SQLException getCause() {
      return (SQLException) super.getCause();
    }
  }
}
