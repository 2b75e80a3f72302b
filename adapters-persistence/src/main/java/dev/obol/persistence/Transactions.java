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
import jakarta.inject.Singleton;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The two ways the stores talk to PostgreSQL, in one place: a unit of work in one transaction (committed when it
 * returns, rolled back when it throws, run again from scratch after a serialization failure or a deadlock), and a
 * read in its own short autocommit transaction.
 *
 * <p>The transaction is Micronaut's ({@code micronaut-data-tx-jdbc}, the context's transaction manager, injected), so
 * the repositories ({@link ApiKeyRepository}, {@link OutboxRepository}, {@link AccountTables}) called inside a unit of
 * work join it, on the same connection. The debit hot path ({@code PostgresSession}, {@code PendingWrites})
 * still writes its own SQL on that connection and does not go through repositories: it sends every write of a debit
 * as one statement, and its round trips per debit are counted (and benchmarked); a repository would send one
 * statement per row and re-read what it wrote.
 */
@Singleton
public final class Transactions {

  /** Serialization failures and deadlocks are safe to retry: the transaction rolled back as a whole. */
  private static final int ATTEMPTS_MAX = 3;

  /**
   * A unit of work never joins an enclosing one: it may be run again from scratch, which only a transaction of its
   * own allows (and it is what the hand-written transactions did before: a connection of their own).
   */
  private static final TransactionDefinition UNIT_OF_WORK =
      TransactionDefinition.of(TransactionDefinition.Propagation.REQUIRES_NEW);

  private final TransactionOperations<Connection> manager;
  /** The pool itself, for reads outside any transaction (Micronaut's wrapper would hand out none). */
  private final DataSource pool;
  /** The seat tables' repositories, for the account sessions this opens (they join its transaction). */
  private final AccountTables tables;

  Transactions(DataSource dataSource, TransactionOperations<Connection> manager, AccountTables tables) {
    this.manager = manager;
    this.pool = DelegatingDataSource.unwrapDataSource(dataSource);
    this.tables = tables;
  }

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
  <T> T inTransaction(String what, Work<T> work) {
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
   * transaction takes this path; {@link #inOpenAccountTransaction} when it shares a transaction).
   *
   * @param prefetch null: nothing read ahead
   * @param keyId the API key whose call this serves, stamped on what it writes; null: Obol itself
   */
  <T> T inAccountTransaction(
      AccountId accountId,
      LockMode mode,
      Prefetch prefetch,
      String keyId,
      Function<? super PostgresSession, ? extends T> work) {
    return inTransaction(
        "transaction on account " + accountId,
        connection ->
            PostgresSession.inOpenTransaction(connection, tables, accountId, mode, prefetch, keyId, work));
  }

  /**
   * The account's part of a unit of work already open on {@code connection}: a Stripe event's, which reads nothing
   * ahead and is Obol's own work (no API key).
   */
  <T> T inOpenAccountTransaction(
      Connection connection, AccountId accountId, LockMode mode, Function<? super PostgresSession, ? extends T> work)
      throws SQLException {
    return PostgresSession.inOpenTransaction(connection, tables, accountId, mode, null, null, work);
  }

  <T> T query(String sql, Binder binder, Reader<T> reader) {
    try (Connection connection = pool.getConnection()) {
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
