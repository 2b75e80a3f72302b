package dev.obol.persistence;

import dev.obol.domain.error.UnavailableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * The one place that tells "the database cannot be reached" from every other database failure, and what a caller is
 * answered for it: {@link UnavailableException} with reason {@value #REASON} (gRPC {@code UNAVAILABLE}, the webhook 503,
 * a job skipping its run), so callers retry with the same {@code request_id}; any other database failure stays a
 * {@link PersistenceException} (gRPC {@code INTERNAL}, logged with its stack trace).
 *
 * <p>Unreachable means: the connection failed or could not be made (SQLSTATE class {@code 08}), the server is going
 * away or not accepting connections yet ({@code 57P01} admin shutdown, {@code 57P02} crash shutdown, {@code 57P03}
 * cannot connect now: starting, stopping, in recovery), the server only reads ({@code 25006}: a standby after a
 * failover, reached through a multi-host URL), the pool found no connection in time (Hikari's
 * {@link SQLTransientConnectionException}), or a {@code java.net} connect, socket or name failure anywhere in the
 * cause chain. Everything else (a constraint, a serialization failure, a bug in a statement) is not something a
 * retry on another instance cures, so it is not answered as if it were.
 *
 * <p>Each unavailable answer is logged on this class's logger at WARN, one line without a stack trace, at most one line
 * per {@link #LOG_WINDOW} (the others counted in the next line): an outage under load would otherwise write a stack
 * trace per call.
 */
public final class DatabaseFailures {

  /** The ErrorInfo reason of every answer given because the database cannot be reached. */
  public static final String REASON = "DATABASE_UNAVAILABLE";

  static final String MESSAGE = "the database is unavailable; retry with the same request_id";
  static final Duration LOG_WINDOW = Duration.ofSeconds(10);

  /** SQLSTATEs outside class 08 that also mean "this server cannot serve you now; another attempt may". */
  private static final Set<String> UNREACHABLE_STATES = Set.of("57P01", "57P02", "57P03", "25006");
  private static final String CONNECTION_EXCEPTION_CLASS = "08";
  /** The message of Hikari's exception for any use of a connection it has closed (ProxyConnection.ClosedConnection). */
  private static final String HIKARI_CLOSED = "Connection is closed";
  /** A cause chain longer than this is not walked further (a chain may even loop). */
  private static final int CAUSES_MAX = 32;
  private static final int SUMMARY_LENGTH_MAX = 200;

  private static final OutageLog LOG =
      new OutageLog(LoggerFactory.getLogger(DatabaseFailures.class), LOG_WINDOW.toMillis());

  private DatabaseFailures() {}

  /** Whether {@code failure}, or anything in its cause chain, says the database cannot be reached. */
  public static boolean isUnreachable(Throwable failure) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable e = failure; e != null && seen.size() < CAUSES_MAX; e = e.getCause()) {
      if (seen.put(e, Boolean.TRUE) != null) {
        return false;
      }
      if (e instanceof SQLTransientConnectionException
          || e instanceof SocketException // ConnectException, NoRouteToHostException, "Connection reset", …
          || e instanceof SocketTimeoutException
          || e instanceof UnknownHostException) {
        return true;
      }
      if (e instanceof SQLException sql && isUnreachableState(sql.getSQLState())) {
        return true;
      }
      if (e instanceof SQLException sql && sql.getSQLState() == null && HIKARI_CLOSED.equals(sql.getMessage())) {
        // Hikari closed a connection it found broken (08006, say) and the caller's next use of it (the transaction
        // manager's clean-up, here) gets this stateless exception, which hides the first: it is a 08003.
        return true;
      }
    }
    return false;
  }

  /** Whether a SQLSTATE is one of the "cannot be reached" states (see the class comment). */
  public static boolean isUnreachableState(String sqlState) {
    return sqlState != null
        && (sqlState.startsWith(CONNECTION_EXCEPTION_CLASS) || UNREACHABLE_STATES.contains(sqlState));
  }

  /**
   * What a failed database call becomes for its caller: {@link UnavailableException} ({@value #REASON}, logged as
   * above) when the database cannot be reached, the failure itself when it is already an unchecked exception of this
   * module or of the domain, else a {@link PersistenceException} naming {@code what}.
   */
  static RuntimeException translate(String what, Throwable failure) {
    if (failure instanceof UnavailableException unavailable) {
      return unavailable;
    }
    if (isUnreachable(failure)) {
      return unavailable(what, summary(failure));
    }
    if (failure instanceof PersistenceException persistence) {
      return persistence;
    }
    return new PersistenceException(what + " failed", failure);
  }

  /** The answer for a call refused because the database is known to be unreachable (its outage began earlier). */
  static UnavailableException unavailable(String what, String cause) {
    LOG.record(what, cause);
    return new UnavailableException(REASON, MESSAGE);
  }

  /**
   * One line for a log: the failure's most telling part (the first exception in the chain with a SQLSTATE, else the
   * root cause), as {@code Type [SQLSTATE]: first line of its message}, at most {@value #SUMMARY_LENGTH_MAX}
   * characters. It names hosts and ports at most, never a password (pgjdbc does not put one in a message).
   */
  public static String summary(Throwable failure) {
    Throwable root = failure;
    SQLException withState = null;
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable e = failure; e != null && seen.size() < CAUSES_MAX && seen.put(e, Boolean.TRUE) == null;
        e = e.getCause()) {
      root = e;
      if (withState == null && e instanceof SQLException sql && sql.getSQLState() != null) {
        withState = sql;
      }
    }
    Throwable shown = withState != null ? withState : root;
    String state = withState != null ? " [" + withState.getSQLState() + "]" : "";
    String message = shown.getMessage() == null ? "" : shown.getMessage().lines().findFirst().orElse("");
    String line = shown.getClass().getSimpleName() + state + (message.isEmpty() ? "" : ": " + message);
    return line.length() <= SUMMARY_LENGTH_MAX ? line : line.substring(0, SUMMARY_LENGTH_MAX) + "…";
  }

  /** At most one WARN line per window; the calls answered in between are counted in the next line. */
  static final class OutageLog {
    private final org.slf4j.Logger log;
    private final long windowMillis;
    private long lastLineMillis = Long.MIN_VALUE / 2;
    private long unlogged;

    OutageLog(org.slf4j.Logger log, long windowMillis) {
      this.log = log;
      this.windowMillis = windowMillis;
    }

    /** @return whether a line was written */
    synchronized boolean record(String what, String cause) {
      long now = System.currentTimeMillis();
      if (now - lastLineMillis < windowMillis) {
        unlogged++;
        return false;
      }
      String more = unlogged == 0 ? "" : " (and " + unlogged + " more since the last line)";
      log.warn("Database unavailable: {} answered UNAVAILABLE {}{}: {}", what, REASON, more, cause);
      lastLineMillis = now;
      unlogged = 0;
      return true;
    }
  }
}
