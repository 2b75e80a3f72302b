package dev.obol.persistence;

import java.util.HashMap;
import java.util.Map;

/**
 * The pool's settings as Micronaut configuration ({@code datasources.default.*}, read by micronaut-jdbc-hikari), for
 * contexts built in code (the store tests). The service takes the same settings from its application.yml.
 */
public final class DataSources {

  private DataSources() {}

  public static Map<String, Object> properties(String url, String user, String password, int size) {
    Map<String, Object> properties = new HashMap<>();
    properties.put("datasources.default.url", url);
    properties.put("datasources.default.username", user);
    if (password != null && !password.isEmpty()) {
      properties.put("datasources.default.password", password);
    }
    properties.put("datasources.default.maximum-pool-size", size);
    properties.put("datasources.default.minimum-idle", Math.min(2, size));
    properties.put("datasources.default.pool-name", "obol");
    // Transactions set autocommit themselves; statements are prepared server-side after a few uses.
    properties.put("datasources.default.data-source-properties.prepareThreshold", "3");
    properties.put("datasources.default.data-source-properties.reWriteBatchedInserts", "true");
    return properties;
  }
}
