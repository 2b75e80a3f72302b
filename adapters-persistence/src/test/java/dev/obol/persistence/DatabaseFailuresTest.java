package dev.obol.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.domain.error.UnavailableException;
import io.micronaut.data.exceptions.DataAccessException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/** Which failures mean "the database cannot be reached" (UNAVAILABLE, retry) and which do not (INTERNAL). */
class DatabaseFailuresTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "08000", "08001", "08003", "08004", "08006", "08007", "08P01", // connection exceptions, the whole class 08
        "57P01", // admin shutdown (pg_ctl stop -m fast, a terminated backend)
        "57P02", // crash shutdown (another backend crashed, pg_ctl stop -m immediate)
        "57P03", // cannot connect now (starting up, shutting down, in recovery)
        "25006" // read-only SQL transaction: a standby reached after a failover
      })
  void theseSqlStatesMeanTheDatabaseCannotBeReached(String state) {
    assertThat(DatabaseFailures.isUnreachableState(state)).isTrue();
    assertThat(DatabaseFailures.isUnreachable(new SQLException("x", state))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "40001", // serialization failure: the unit of work retries it
        "40P01", // deadlock: likewise
        "23505", // unique violation: a bug or a conflict, not an outage
        "23503", "22003", "42P01", "42601", "57014", // FK, out of range, no table, syntax, statement cancelled
        "53300", // too many connections: the server is up (the pool's own timeout reports it if it lasts)
        "25P02", // in failed transaction
        "28P01", // wrong password: a configuration error, a retry does not cure it
        "XX000", "0A000", "09000", "80000", "8", "0", ""
      })
  void otherSqlStatesDoNot(String state) {
    assertThat(DatabaseFailures.isUnreachableState(state)).isFalse();
    assertThat(DatabaseFailures.isUnreachable(new SQLException("x", state))).isFalse();
  }

  @Test
  void aMissingSqlStateIsNotAnOutage() {
    assertThat(DatabaseFailures.isUnreachableState(null)).isFalse();
    assertThat(DatabaseFailures.isUnreachable(new SQLException("no state"))).isFalse();
    assertThat(DatabaseFailures.isUnreachable(new IllegalStateException("a bug"))).isFalse();
    assertThat(DatabaseFailures.isUnreachable(new IOException("disk full"))).isFalse();
  }

  @Test
  void hikarisClosedConnectionHidingTheFirstFailureIsUnreachable() {
    SQLException closed = new SQLException("Connection is closed");
    assertThat(DatabaseFailures.isUnreachable(new RuntimeException("Could not set read-only", closed))).isTrue();
    assertThat(DatabaseFailures.isUnreachable(new SQLException("Connection is closed", "42000")))
        .as("a state of its own decides").isFalse();
  }

  @Test
  void thePoolTimingOutIsAnOutage() {
    assertThat(
            DatabaseFailures.isUnreachable(
                new SQLTransientConnectionException("obol - Connection is not available, request timed out after 2000ms")))
        .isTrue();
  }

  @Test
  void networkFailuresAnywhereInTheCauseChainAreAnOutage() {
    for (Exception network :
        new Exception[] {
          new ConnectException("Connection refused"),
          new NoRouteToHostException("No route to host"),
          new SocketException("Connection reset"),
          new SocketTimeoutException("Read timed out"),
          new UnknownHostException("db1")
        }) {
      RuntimeException wrapped =
          new DataAccessException("Error executing SQL", new IllegalStateException("outer", network));
      assertThat(DatabaseFailures.isUnreachable(wrapped)).as(network.toString()).isTrue();
    }
  }

  @Test
  void aConnectionFailureWrappedByMicronautAndThisModuleIsStillAnOutage() {
    PSQLException io = new PSQLException("An I/O error occurred while sending to the backend.", PSQLState.CONNECTION_FAILURE);
    RuntimeException wrapped = new PersistenceException("debit failed", new DataAccessException("SQL", io));
    assertThat(DatabaseFailures.isUnreachable(wrapped)).isTrue();
  }

  @Test
  void aCauseChainThatLoopsEnds() {
    LoopingException a = new LoopingException();
    LoopingException b = new LoopingException();
    a.cause = b;
    b.cause = a;
    assertThat(DatabaseFailures.isUnreachable(a)).isFalse();
    assertThat(DatabaseFailures.summary(a)).startsWith("LoopingException");
  }

  @Test
  void translateAnswersUnavailableForAnOutageAndPersistenceExceptionOtherwise() {
    RuntimeException down = DatabaseFailures.translate("read", new SQLException("refused", "08001"));
    assertThat(down).isInstanceOf(UnavailableException.class);
    assertThat(((UnavailableException) down).reason()).isEqualTo("DATABASE_UNAVAILABLE");
    assertThat(down.getMessage()).contains("retry with the same request_id");

    SQLException unique = new SQLException("duplicate key", "23505");
    RuntimeException other = DatabaseFailures.translate("insert", unique);
    assertThat(other).isInstanceOf(PersistenceException.class).hasMessage("insert failed").hasCause(unique);

    PersistenceException already = new PersistenceException("x failed", unique);
    assertThat(DatabaseFailures.translate("x", already)).isSameAs(already);
  }

  @Test
  void theSummaryIsOneLineWithTheSqlStateAndNoStackTrace() {
    PSQLException refused =
        new PSQLException(
            "Connection to 127.0.0.1:5433 refused. Check that the hostname and port are correct\nand more",
            PSQLState.CONNECTION_UNABLE_TO_CONNECT,
            new ConnectException("Connection refused"));
    String summary = DatabaseFailures.summary(new DataAccessException("outer", refused));
    assertThat(summary)
        .isEqualTo("PSQLException [08001]: Connection to 127.0.0.1:5433 refused. Check that the hostname and port are correct")
        .doesNotContain("\n");
    assertThat(DatabaseFailures.summary(new RuntimeException("x".repeat(500)))).hasSizeLessThanOrEqualTo(201);
  }

  @Test
  void theOutageLogWritesOneLinePerWindowAndCountsTheRest() {
    DatabaseFailures.OutageLog log =
        new DatabaseFailures.OutageLog(org.slf4j.LoggerFactory.getLogger("test.outage"), 60_000);
    assertThat(log.record("a", "down")).isTrue();
    for (int i = 0; i < 1_000; i++) {
      assertThat(log.record("b", "down")).isFalse();
    }
  }

  private static final class LoopingException extends RuntimeException {
    Throwable cause;

    @Override
    public synchronized Throwable getCause() {
      return cause;
    }
  }
}
