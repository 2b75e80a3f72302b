package dev.obol.app.testing;

import dev.obol.persistence.testing.TestDatabase;
import io.micronaut.test.support.TestPropertyProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;

/**
 * What an {@code @MicronautTest} end-to-end test class runs on, as {@link ObolTestApp#start} does it: a fresh
 * database for the class, its own ports, the bootstrap admin key, and the test clock and channel
 * ({@link ObolTestBeans}, switched on by {@code obol.test.injected}), plus the class's own {@link #settings()}. The
 * class needs {@code PER_CLASS} lifecycle.
 */
public interface ObolTestProperties extends TestPropertyProvider {

  /** Which keys are the class's {@link #settings()}, so that a second instance gets them too. */
  String SETTINGS = "obol.test.settings";

  /** What this class runs with on top of the defaults (Stripe, notifications, TLS, …). */
  default Map<String, Object> settings() {
    return Map.of();
  }

  @Override
  default Map<String, String> getProperties() {
    Map<String, String> properties = new HashMap<>();
    properties.put("obol.database.url", TestDatabase.get().freshDatabaseUrl());
    properties.put("obol.database.user", TestDatabase.get().user());
    properties.put("obol.database.password", TestDatabase.get().password());
    properties.put("obol.database.pool-size", "20");
    properties.put("grpc.server.port", String.valueOf(freePort()));
    properties.put("micronaut.server.port", String.valueOf(freePort()));
    properties.put("obol.expiry.sweep-interval", "1h");
    properties.put("obol.security.bootstrap-admin-key", ObolTestApp.ADMIN_KEY);
    properties.put(ObolTestBeans.ENABLED, "true");
    Map<String, Object> settings = settings();
    settings.forEach((key, value) -> properties.put(key, String.valueOf(value)));
    properties.put(SETTINGS, String.join(",", settings.keySet()));
    return properties;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
