package dev.obol.app;

import dev.obol.app.lifecycle.DataDirectoryLock;
import dev.obol.persistence.EmbeddedDatabase;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Starts the embedded PostgreSQL from {@code main} on a thread of its own while the application context is built, so
 * that the two overlap instead of adding up (starting the database and building the context take about as long as each
 * other); {@link DatabaseLocation} then takes the started database instead of starting one. Only from the environment
 * that {@code application.yml} reads ({@code OBOL_DATABASE_URL} unset, {@code OBOL_DATA_DIR},
 * {@code OBOL_EMBEDDED_DATABASE_PORT}); when the context resolves other values (a system property, a test), the early
 * database is stopped and {@link DatabaseLocation} starts its own as before.
 *
 * <p>Failures are the same as without it: the data directory lock and the start throw on that thread, and
 * {@link #take} rethrows them where {@link DatabaseLocation} would have thrown them itself.
 */
final class EarlyEmbeddedStart {

  record Started(DataDirectoryLock lock, EmbeddedDatabase embedded) {}

  private record Pending(Path dataDirectory, int port, CompletableFuture<Started> started) {}

  private static volatile Pending pending;

  private EarlyEmbeddedStart() {}

  static void begin(Map<String, String> environment) {
    if (!environment.getOrDefault("OBOL_DATABASE_URL", "").isBlank()) {
      return;
    }
    int port;
    try {
      port = Integer.parseInt(environment.getOrDefault("OBOL_EMBEDDED_DATABASE_PORT", "0").trim());
    } catch (NumberFormatException e) {
      return; // the context reports the bad setting
    }
    Path dataDirectory = Path.of(environment.getOrDefault("OBOL_DATA_DIR", "./obol-data"));
    CompletableFuture<Started> started = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                DataDirectoryLock lock = DataDirectoryLock.acquire(dataDirectory);
                try {
                  started.complete(new Started(lock, EmbeddedDatabase.start(dataDirectory, port)));
                } catch (RuntimeException | Error e) {
                  lock.close();
                  throw e;
                }
              } catch (Throwable e) {
                started.completeExceptionally(e);
              }
            },
            "obol-embedded-database-start");
    thread.setDaemon(true);
    pending = new Pending(dataDirectory, port, started);
    thread.start();
  }

  /**
   * The database started early for this directory and port, once it is up; empty when none was begun for them (then
   * one begun for others is stopped).
   */
  static Optional<Started> take(Path dataDirectory, int port) {
    Pending early = pending;
    pending = null;
    if (early == null) {
      return Optional.empty();
    }
    Started started;
    try {
      started = early.started().join();
    } catch (CompletionException e) {
      if (!early.dataDirectory().equals(dataDirectory) || early.port() != port) {
        return Optional.empty(); // it failed for a directory the context does not use: irrelevant
      }
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
    if (!early.dataDirectory().equals(dataDirectory) || early.port() != port) {
      try {
        started.embedded().close();
      } finally {
        started.lock().close();
      }
      return Optional.empty();
    }
    return Optional.of(started);
  }
}
