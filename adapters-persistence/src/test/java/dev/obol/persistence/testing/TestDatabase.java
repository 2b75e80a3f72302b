package dev.obol.persistence.testing;

import dev.obol.persistence.EmbeddedDatabase;
import dev.obol.persistence.Migrations;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import org.postgresql.ds.PGSimpleDataSource;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL for tests: one server per test JVM, one migrated template database, and a fresh database cloned
 * from the template for each caller that needs isolation (about 100 ms each).
 *
 * <p>The server is the embedded one (zonky) unless {@code OBOL_TEST_DATABASE_URL} names a server to use instead
 * (e.g. Debian's PostgreSQL started by {@code .ci/run} where user namespaces are unavailable); that URL must point at a
 * database whose user may create databases.
 */
public final class TestDatabase {

  private static final String TEMPLATE = "obol_template_" + ProcessHandle.current().pid();
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static TestDatabase instance;

  private final String adminUrl;
  private final String user;
  private final String password;

  private TestDatabase(String adminUrl, String user, String password) {
    this.adminUrl = adminUrl;
    this.user = user;
    this.password = password;
  }

  public static synchronized TestDatabase get() {
    if (instance == null) {
      String external = System.getenv("OBOL_TEST_DATABASE_URL");
      TestDatabase database;
      if (external != null && !external.isBlank()) {
        database =
            new TestDatabase(
                external,
                envOr("OBOL_TEST_DATABASE_USER", "postgres"),
                envOr("OBOL_TEST_DATABASE_PASSWORD", ""));
      } else {
        EmbeddedDatabase server = EmbeddedDatabase.startTemporary();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        database = new TestDatabase(server.jdbcUrl(EmbeddedDatabase.DATABASE), EmbeddedDatabase.USER, "");
      }
      database.createTemplate();
      instance = database;
    }
    return instance;
  }

  private static String envOr(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  /** A new, migrated, empty database; its JDBC URL. */
  public String freshDatabaseUrl() {
    String name = "obol_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    execute("CREATE DATABASE " + name + " TEMPLATE " + TEMPLATE);
    return urlOf(name);
  }


  /** The persistence module's beans (pool, transaction manager, repositories) on a fresh database. */
  public PersistenceContext freshContext(int poolSize) {
    return PersistenceContext.start(freshDatabaseUrl(), user, password, poolSize);
  }

  /** A second context (another pool: another instance of Obol) on a database another context uses. */
  public PersistenceContext contextOn(String url, int poolSize) {
    return PersistenceContext.start(url, user, password, poolSize);
  }

  public String user() {
    return user;
  }

  public String password() {
    return password;
  }

  private void createTemplate() {
    execute("DROP DATABASE IF EXISTS " + TEMPLATE);
    execute("CREATE DATABASE " + TEMPLATE);
    PGSimpleDataSource template = new PGSimpleDataSource();
    template.setUrl(urlOf(TEMPLATE));
    template.setUser(user);
    template.setPassword(password);
    Migrations.apply(template);
  }

  private String urlOf(String database) {
    int slash = adminUrl.lastIndexOf('/');
    int query = adminUrl.indexOf('?', slash);
    return adminUrl.substring(0, slash + 1) + database + (query >= 0 ? adminUrl.substring(query) : "");
  }

  private void execute(String sql) {
    try (Connection connection = DriverManager.getConnection(adminUrl, user, password);
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("test database setup failed: " + sql, e);
    }
  }
}
