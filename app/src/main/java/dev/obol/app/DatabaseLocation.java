package dev.obol.app;

import dev.obol.app.lifecycle.DataDirectoryLock;
import dev.obol.persistence.EmbeddedDatabase;
import io.micronaut.context.annotation.Property;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the database is: {@code OBOL_DATABASE_URL} when set, otherwise an embedded PostgreSQL started here with its
 * data under {@code OBOL_DATA_DIR}, so {@code java -jar obol.jar} works on a machine with only a JDK. That one is
 * durable and private: see {@link EmbeddedDatabase#start}.
 *
 * <p>The embedded database has its data directory to itself: {@link DataDirectoryLock} is taken before it starts (a
 * second Obol on the same directory stops at once, naming the first one's pid) and released after it stopped.
 */
@Singleton
public final class DatabaseLocation implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DatabaseLocation.class);

  private final String url;
  private final String user;
  private final String password;
  private final EmbeddedDatabase embedded;
  private final DataDirectoryLock lock;
  private final AtomicBoolean closed = new AtomicBoolean();

  public DatabaseLocation(
      @Property(name = "obol.database.url", defaultValue = "") String url,
      @Property(name = "obol.database.user", defaultValue = "postgres") String user,
      @Property(name = "obol.database.password", defaultValue = "") String password,
      @Property(name = "obol.database.embedded-port", defaultValue = "0") int embeddedPort,
      @Property(name = "obol.data-dir", defaultValue = "./obol-data") String dataDir) {
    if (url == null || url.isBlank()) {
      Optional<EarlyEmbeddedStart.Started> early = EarlyEmbeddedStart.take(Path.of(dataDir), embeddedPort);
      if (early.isPresent()) {
        this.lock = early.get().lock();
        this.embedded = early.get().embedded();
      } else {
        this.lock = DataDirectoryLock.acquire(Path.of(dataDir));
        try {
          this.embedded = EmbeddedDatabase.start(Path.of(dataDir), embeddedPort);
        } catch (RuntimeException e) {
          lock.close();
          throw e;
        }
      }
      this.url = embedded.jdbcUrl(EmbeddedDatabase.DATABASE);
      this.user = embedded.user();
      this.password = embedded.password();
      LOG.info(
          "No OBOL_DATABASE_URL: using the embedded PostgreSQL on 127.0.0.1:{}, data in {} (kept across restarts),"
              + " user {}, password in {}",
          embedded.port(),
          embedded.dataDirectory(),
          embedded.user(),
          embedded.passwordFile());
    } else {
      this.lock = null;
      this.embedded = null;
      this.url = url;
      this.user = user;
      this.password = password;
      LOG.info("Using the PostgreSQL database at {}", url.replaceAll("password=[^&]*", "password=***"));
    }
  }

  public String url() {
    return url;
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  public boolean isEmbedded() {
    return embedded != null;
  }

  /**
   * For the start-up summary, without secrets: "embedded PostgreSQL, data in DIR (127.0.0.1:PORT)" or "PostgreSQL at
   * HOST:PORT/DB, user U" (no query parameters: they may hold a password).
   */
  public String describe() {
    if (embedded != null) {
      return "embedded PostgreSQL, data in " + embedded.dataDirectory() + " (127.0.0.1:" + embedded.port() + ")";
    }
    String address = url.startsWith("jdbc:") ? url.substring("jdbc:".length()) : url;
    try {
      URI uri = URI.create(address);
      String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
      return "PostgreSQL at " + uri.getHost() + port + (uri.getPath() == null ? "" : uri.getPath()) + ", user " + user;
    } catch (IllegalArgumentException e) {
      return "PostgreSQL at an unparsable OBOL_DATABASE_URL, user " + user;
    }
  }

  /**
   * The application context now stops the embedded database, last ({@code ShutdownSequence}): its JVM-exit fallback,
   * there for a start that fails before the context runs, would stop it at the same time as that sequence.
   */
  public void leaveStopToContext() {
    if (embedded != null) {
      embedded.leaveStopToOwner();
    }
  }

  /** Stops the embedded database, then releases the data directory; idempotent. */
  @PreDestroy
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true) || embedded == null) {
      return;
    }
    try {
      embedded.close();
    } finally {
      lock.close();
    }
  }
}
