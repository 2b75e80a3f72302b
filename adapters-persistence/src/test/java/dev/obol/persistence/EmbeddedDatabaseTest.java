package dev.obol.persistence;

import dev.obol.persistence.testing.EmbeddedPostgresSupport;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service's embedded database on a real server: durable, password-only, loopback-only, across restarts. */
class EmbeddedDatabaseTest {

  @TempDir Path dataDirectory;

  @BeforeAll
  static void embeddedServerCanRun() throws Exception {
    EmbeddedPostgresSupport.assumeEmbeddedPostgresCanRun();
  }

  @Test
  void aNewDataDirectoryIsDurableAndPrivate() throws Exception {
    try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDirectory, 0)) {
      assertThat(database.dataDirectory()).isEqualTo(dataDirectory.resolve("postgres"));
      assertThat(database.passwordFile()).isEqualTo(dataDirectory.resolve("postgres-password"));
      assertThat(Files.getPosixFilePermissions(database.passwordFile()))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      assertThat(Files.readString(database.passwordFile()).strip())
          .isEqualTo(database.password())
          .hasSizeGreaterThanOrEqualTo(22); // >= 128 bits in Base64

      try (Connection connection = connect(database, database.password())) {
        assertThat(setting(connection, "synchronous_commit")).isEqualTo("on");
        assertThat(setting(connection, "fsync")).isEqualTo("on");
        assertThat(setting(connection, "full_page_writes")).isEqualTo("on");
        assertThat(setting(connection, "listen_addresses")).isEqualTo("127.0.0.1");
        assertThat(setting(connection, "unix_socket_directories")).isEmpty();
        assertThat(setting(connection, "password_encryption")).isEqualTo("scram-sha-256");
        assertOnlyPasswordRules(connection);
      }
      assertLoginRefusedWithout(database);
    }
  }

  @Test
  void aRestartOnTheSameDirectoryKeepsDataAndPassword() throws Exception {
    String password;
    try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDirectory, 0)) {
      password = database.password();
      execute(database, "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('before the restart')");
    }
    try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDirectory, 0)) {
      assertThat(database.password()).isEqualTo(password);
      assertThat(query(database, "SELECT note FROM kept")).containsExactly("before the restart");
      assertLoginRefusedWithout(database);
    }
  }

  @Test
  void aDirectoryMadeByTheOldTrustingSetupIsUpgradedInPlace() throws Exception {
    Path cluster = dataDirectory.resolve("postgres");
    try (EmbeddedPostgres old =
            EmbeddedPostgres.builder().setDataDirectory(cluster).setCleanDataDirectory(false).start();
        Connection connection = old.getPostgresDatabase().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE kept (note text); INSERT INTO kept VALUES ('made with trust')");
    }
    assertThat(Files.readString(cluster.resolve("pg_hba.conf"))).contains("trust");
    assertThat(dataDirectory.resolve("postgres-password")).doesNotExist();

    try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDirectory, 0)) {
      assertThat(Files.getPosixFilePermissions(database.passwordFile()))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      assertThat(query(database, "SELECT note FROM kept")).containsExactly("made with trust");
      try (Connection connection = connect(database, database.password())) {
        assertOnlyPasswordRules(connection);
        assertThat(setting(connection, "synchronous_commit")).isEqualTo("on");
      }
      assertLoginRefusedWithout(database);
    }
    assertThat(Files.readString(cluster.resolve("pg_hba.conf"))).doesNotContain("trust");
  }

  @Test
  void aPasswordFileWithoutItsClusterGetsANewClusterAndPassword() throws Exception {
    String first;
    try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDirectory, 0)) {
      first = database.password();
    }
    deleteRecursively(dataDirectory.resolve("postgres"));
    try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDirectory, 0)) {
      assertThat(database.password()).isNotEqualTo(first);
      assertThat(query(database, "SELECT 'fresh'")).containsExactly("fresh");
      assertLoginRefusedWithout(database);
    }
  }

  @Test
  void aPidFileNamingALiveProcessThatIsNotPostgresIsStaleAndThatProcessIsLeftAlone() throws Exception {
    EmbeddedDatabase.start(dataDirectory, 0).close();
    Process other = new ProcessBuilder("sleep", "120").start();
    try {
      // What a pid reused since the last postmaster looks like; postgres alone would take it for a live postmaster.
      Files.writeString(dataDirectory.resolve("postgres").resolve("postmaster.pid"), other.pid() + "\n");
      try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDirectory, 0)) {
        assertThat(query(database, "SELECT 'started'")).containsExactly("started");
      }
      assertThat(other.isAlive()).as("the process the stale pid file named").isTrue();
    } finally {
      other.destroyForcibly();
    }
  }

  @Test
  void aPidFileNamingThePostmasterOfAnotherClusterIsStaleAndThatServerKeepsRunning(@TempDir Path otherDirectory)
      throws Exception {
    EmbeddedDatabase.start(dataDirectory, 0).close();
    try (EmbeddedDatabase other = EmbeddedDatabase.start(otherDirectory, 0)) {
      String otherPid = Files.readAllLines(otherDirectory.resolve("postgres").resolve("postmaster.pid")).get(0);
      Files.writeString(dataDirectory.resolve("postgres").resolve("postmaster.pid"), otherPid + "\n");
      try (EmbeddedDatabase database = EmbeddedDatabase.start(dataDirectory, 0)) {
        assertThat(query(database, "SELECT 'started'")).containsExactly("started");
      }
      assertThat(query(other, "SELECT 'still running'")).containsExactly("still running");
    }
  }

  @Test
  void theTestsThrowawayServerStaysFast() throws Exception {
    try (EmbeddedDatabase database = EmbeddedDatabase.startTemporary();
        Connection connection = connect(database, "")) {
      assertThat(setting(connection, "synchronous_commit")).isEqualTo("off");
      assertThat(setting(connection, "fsync")).isEqualTo("off");
    }
  }

  private static void assertOnlyPasswordRules(Connection connection) throws SQLException {
    List<String> rules = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT type, auth_method, coalesce(address, ''), coalesce(error, '') FROM pg_hba_file_rules")) {
      while (rows.next()) {
        rules.add(rows.getString(1) + " " + rows.getString(2) + " " + rows.getString(3) + " " + rows.getString(4));
      }
    }
    assertThat(rules).isNotEmpty().allSatisfy(rule -> assertThat(rule).isEqualTo("host scram-sha-256 127.0.0.1 "));
  }

  private static void assertLoginRefusedWithout(EmbeddedDatabase database) {
    assertThatThrownBy(() -> connect(database, "").close()).isInstanceOf(SQLException.class);
    assertThatThrownBy(() -> connect(database, database.password() + "x").close())
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("password authentication failed");
  }

  private static void deleteRecursively(Path directory) throws IOException {
    try (var paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  private static Connection connect(EmbeddedDatabase database, String password) throws SQLException {
    return DriverManager.getConnection(database.jdbcUrl(EmbeddedDatabase.DATABASE), database.user(), password);
  }

  private static String setting(Connection connection, String name) throws SQLException {
    try (var statement = connection.prepareStatement("SELECT setting FROM pg_settings WHERE name = ?")) {
      statement.setString(1, name);
      try (ResultSet rows = statement.executeQuery()) {
        assertThat(rows.next()).as("setting %s", name).isTrue();
        return rows.getString(1);
      }
    }
  }

  private static void execute(EmbeddedDatabase database, String sql) throws SQLException {
    try (Connection connection = connect(database, database.password());
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static List<String> query(EmbeddedDatabase database, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection connection = connect(database, database.password());
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    }
    return values;
  }
}
