package dev.obol.persistence;

import dev.obol.domain.error.ObolException;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.port.AccountStore.LockMode;
import dev.obol.domain.port.AccountStore.Prefetch;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.data.connection.exceptions.ConnectionException;
import io.micronaut.data.connection.jdbc.exceptions.CannotGetJdbcConnectionException;
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
 *
 * <p>How a unit of work or a read fails ({@link DatabaseFailures}): when the database cannot be reached, with
 * {@link dev.obol.domain.error.UnavailableException} {@value DatabaseFailures#REASON} (at once while
 * {@link DatabaseReachability} knows it, else within the pool's connection timeout); with the domain's own exception
 * when the work threw one; otherwise with {@link PersistenceException}. A unit of work that fails has written nothing:
 * its transaction rolled back. One whose COMMIT was sent but never answered (the connection died during it) may or may
 * not have been applied, and is still answered UNAVAILABLE: that is safe because every write Obol makes for a caller is
 * idempotent by its {@code request_id} (the stored first answer is returned on a retry, and the webhook's by the
 * event id), so the caller's retry either finds the first answer or applies the write now, never twice.
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
  private final DatabaseReachability reachability;
  /** The pool itself, for reads outside any transaction (Micronaut's wrapper would hand out none). */
  private final DataSource pool;
  /** The seat tables' repositories, for the account sessions this opens (they join its transaction). */
  private final AccountTables tables;

  Transactions(
      DataSource dataSource,
      TransactionOperations<Connection> manager,
      AccountTables tables,
      DatabaseReachability reachability) {
    this.manager = manager;
    this.reachability = reachability;
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
    reachability.check(what);
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
      } catch (RuntimeException e) {
        Throwable failure = e instanceof SqlFailure sql ? sql.getCause() : e;
        if (!(retryable(failure) && attempt < ATTEMPTS_MAX)) {
          throw failed(what, failure);
        }
      }
      // loop: the whole unit of work runs again from a clean state (the manager rolled the failed one back)
    }
  }

  /**
   * A unit of work's failure as its caller gets it. The domain's exceptions (a rule the work enforced, or the database
   * found unreachable by a repository) pass unchanged; an unreachable database is {@code UnavailableException};
   * the rest of what the database said (SQL, Micronaut Data's exceptions of a repository statement, the begin or the
   * commit, which stay inside this module) is a {@link PersistenceException}; anything else (a bug) is left as it is.
   */
  static RuntimeException failed(String what, Throwable failure) {
    if (failure instanceof ObolException obol) {
      return obol;
    }
    if (failure instanceof SQLException
        || failure instanceof PersistenceException
        || DatabaseFailures.isUnreachable(failure)
        || isMicronautDataFailure(failure)) {
      return DatabaseFailures.translate(what, failure);
    }
    return failure instanceof RuntimeException unchecked ? unchecked : new PersistenceException(what + " failed", failure);
  }

  /** Micronaut Data's and its transaction manager's exceptions: a statement, a connection, the begin or the commit. */
  private static boolean isMicronautDataFailure(Throwable failure) {
    return failure instanceof DataAccessException
        || failure instanceof TransactionException
        || failure instanceof ConnectionException
        || failure instanceof CannotGetJdbcConnectionException
        || failure instanceof io.micronaut.transaction.jdbc.exceptions.CannotGetJdbcConnectionException;
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
    String what = "query " + sql.lines().findFirst().orElse(sql);
    reachability.check(what);
    try (Connection connection = pool.getConnection()) {
      connection.setAutoCommit(true);
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        binder.bind(statement);
        try (ResultSet rows = statement.executeQuery()) {
          return reader.read(rows);
        }
      }
    } catch (SQLException e) {
      throw DatabaseFailures.translate(what, e);
    }
  }

  /** A read of several statements sent in one round trip; {@code reader} walks their results from the first. */
  <T> T queryAll(String sql, Binder binder, StatementReader<T> reader) {
    String what = "query " + sql.lines().findFirst().orElse(sql);
    reachability.check(what);
    try (Connection connection = pool.getConnection()) {
      connection.setAutoCommit(true);
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        binder.bind(statement);
        if (!statement.execute()) {
          throw new SQLException("expected rows from the first statement of " + what);
        }
        try (ResultSet rows = statement.getResultSet()) {
          return reader.read(statement, rows);
        }
      }
    } catch (SQLException e) {
      throw DatabaseFailures.translate(what, e);
    }
  }

  interface StatementReader<T> {
    /** @param rows the first statement's rows; {@code statement.getMoreResults()} moves to the next */
    T read(PreparedStatement statement, ResultSet rows) throws SQLException;
  }

  static boolean retryable(Throwable failure) {
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
