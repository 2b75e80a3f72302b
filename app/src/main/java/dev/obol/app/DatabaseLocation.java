package dev.obol.app;

import dev.obol.persistence.EmbeddedDatabase;
import io.micronaut.context.annotation.Property;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the database is: {@code OBOL_DATABASE_URL} when set, otherwise an embedded PostgreSQL started here with its
 * data under {@code OBOL_DATA_DIR}, so {@code java -jar obol.jar} works on a machine with only a JDK. That one is
 * durable and private: see {@link EmbeddedDatabase#start}.
 */
@Singleton
public final class DatabaseLocation implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DatabaseLocation.class);

  private final String url;
  private final String user;
  private final String password;
  private final EmbeddedDatabase embedded;

  public DatabaseLocation(
      @Property(name = "obol.database.url", defaultValue = "") String url,
      @Property(name = "obol.database.user", defaultValue = "postgres") String user,
      @Property(name = "obol.database.password", defaultValue = "") String password,
      @Property(name = "obol.database.embedded-port", defaultValue = "0") int embeddedPort,
      @Property(name = "obol.data-dir", defaultValue = "./obol-data") String dataDir) {
    if (url == null || url.isBlank()) {
      this.embedded = EmbeddedDatabase.start(Path.of(dataDir), embeddedPort);
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

  @PreDestroy
  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
    }
  }
}
