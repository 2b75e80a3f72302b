package dev.obol.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * One question to the database, asked every second by the application's watcher: can a connection to the server the
 * pool uses (the same URL, so the primary of a multi-host URL) be made and answer within {@link #TIMEOUT_SECONDS}?
 *
 * <p>It keeps one connection of its own, outside the pool: a probe through the pool would wait behind callers for a
 * connection under load (and report an outage that is only a busy pool), and while the database is away Hikari's own
 * attempts back off up to 5 s, which would delay noticing its return. A live connection is checked with
 * {@link Connection#isValid} (an empty query); a dead one is dropped and a new one made within the same probe, so the
 * first probe after the database is back succeeds.
 *
 * <p>Not thread-safe: one watcher thread calls it.
 */
public final class DatabaseProbe implements AutoCloseable {

  /** Connect, login and answer: each within this, so a probe of an unreachable host ends in a few seconds. */
  public static final int TIMEOUT_SECONDS = 1;

  /** The driver itself, not DriverManager: no dependence on service files surviving the jar's shading. */
  private static final org.postgresql.Driver DRIVER = new org.postgresql.Driver();

  private final String url;
  private final Properties properties;
  private Connection connection;

  public DatabaseProbe(String url, String user, String password) {
    this.url = url;
    this.properties = new Properties();
    properties.setProperty("user", user);
    if (password != null && !password.isEmpty()) {
      properties.setProperty("password", password);
    }
    properties.setProperty("connectTimeout", String.valueOf(TIMEOUT_SECONDS));
    properties.setProperty("loginTimeout", String.valueOf(TIMEOUT_SECONDS + 1));
    properties.setProperty("socketTimeout", String.valueOf(TIMEOUT_SECONDS + 1));
    properties.setProperty("ApplicationName", "obol-watcher");
  }

  /**
   * Returns when the database answered; throws the driver's exception when it did not (its SQLSTATE and message say
   * why; {@link DatabaseFailures#summary} makes one line of it).
   */
  public void check() throws SQLException {
    if (connection != null) {
      if (connection.isValid(TIMEOUT_SECONDS)) {
        return;
      }
      closeConnection();
    }
    Connection fresh = DRIVER.connect(url, properties);
    if (fresh == null) {
      throw new SQLException("not a PostgreSQL JDBC URL", "08001");
    }
    try {
      if (!fresh.isValid(TIMEOUT_SECONDS)) {
        throw new SQLException("the database did not answer within " + TIMEOUT_SECONDS + " s", "08006");
      }
    } catch (SQLException e) {
      fresh.close();
      throw e;
    }
    connection = fresh;
  }

  @Override
  public void close() {
    closeConnection();
  }

  private void closeConnection() {
    Connection old = connection;
    connection = null;
    if (old != null) {
      try {
        old.close();
      } catch (SQLException e) {
        // A dead connection may fail to close; nothing is left to release on our side.
      }
    }
  }
}
