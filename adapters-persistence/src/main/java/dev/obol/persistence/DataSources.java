package dev.obol.persistence;

import java.util.HashMap;
import java.util.Map;

/**
 * The pool's settings as Micronaut configuration ({@code datasources.default.*}, read by micronaut-jdbc-hikari), for
 * contexts built in code (the store tests). The service takes the same settings from its application.yml.
 */
public final class DataSources {

  /** How long a call waits for a pooled connection before it is answered UNAVAILABLE (Hikari connection-timeout). */
  public static final long CONNECTION_TIMEOUT_MS_DEFAULT = 2_000;
  public static final long CONNECTION_TIMEOUT_MS_MIN = 250;
  public static final long CONNECTION_TIMEOUT_MS_MAX = 30_000;
  /** How long Hikari's check of an idle connection may take before it is thrown away. */
  public static final long VALIDATION_TIMEOUT_MS = 1_000;
  /** pgjdbc: the TCP connect to one host, and the whole login (TLS, authentication). */
  public static final int CONNECT_TIMEOUT_SECONDS = 2;
  public static final int LOGIN_TIMEOUT_SECONDS = 3;
  /**
   * pgjdbc: how long a statement may wait for the server's answer; it ends a call stuck on a server that vanished
   * without a reset (a partition). Longer than any legitimate statement of Obol's (they take milliseconds; the
   * longest, a monthly charge's batch or the ledger audit, well under a second per statement).
   */
  public static final int SOCKET_TIMEOUT_SECONDS_DEFAULT = 30;
  public static final int SOCKET_TIMEOUT_SECONDS_MAX = 3_600;

  private DataSources() {}

  public static Map<String, Object> properties(String url, String user, String password, int size) {
    Map<String, Object> properties = new HashMap<>();
    properties.put("datasources.default.url", url);
    properties.put("datasources.default.username", user);
    if (password != null && !password.isEmpty()) {
      properties.put("datasources.default.password", password);
    }
    properties.put("datasources.default.maximum-pool-size", size);
    // As the service's application.yml has them (why: there).
    properties.put("datasources.default.minimum-idle", 0);
    properties.put("datasources.default.connection-timeout", CONNECTION_TIMEOUT_MS_DEFAULT);
    properties.put("datasources.default.validation-timeout", VALIDATION_TIMEOUT_MS);
    properties.put("datasources.default.pool-name", "obol");
    // Transactions set autocommit themselves; statements are prepared server-side after a few uses.
    properties.put("datasources.default.data-source-properties.prepareThreshold", "3");
    properties.put("datasources.default.data-source-properties.reWriteBatchedInserts", "true");
    properties.put("datasources.default.data-source-properties.connectTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
    properties.put("datasources.default.data-source-properties.loginTimeout", String.valueOf(LOGIN_TIMEOUT_SECONDS));
    properties.put(
        "datasources.default.data-source-properties.socketTimeout", String.valueOf(SOCKET_TIMEOUT_SECONDS_DEFAULT));
    properties.put("datasources.default.data-source-properties.tcpKeepAlive", "true");
    return properties;
  }
}
