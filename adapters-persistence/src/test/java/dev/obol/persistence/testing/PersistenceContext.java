package dev.obol.persistence.testing;

import com.zaxxer.hikari.HikariDataSource;
import dev.obol.persistence.AccountTables;
import dev.obol.persistence.CommitPipeline;
import dev.obol.persistence.DataSources;
import dev.obol.persistence.PostgresAccountStore;
import dev.obol.persistence.Transactions;
import io.micronaut.context.ApplicationContext;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import javax.sql.DataSource;

/**
 * The persistence module alone in a Micronaut context on one database: the pool, the transaction manager the stores'
 * units of work run on, and the repositories.
 */
public final class PersistenceContext {

  private final ApplicationContext context;

  private PersistenceContext(ApplicationContext context) {
    this.context = context;
  }

  static PersistenceContext start(String url, String user, String password, int poolSize) {
    return new PersistenceContext(
        ApplicationContext.builder()
            .properties(DataSources.properties(url, user, password, poolSize))
            .environments("test")
            .deduceEnvironment(false)
            .start());
  }

  /**
   * The context's pool itself (the one its transaction manager is bound to). A test that closes it leaves the rest of
   * the context to the end of the JVM: nothing in it holds a connection or a thread of its own.
   */
  public HikariDataSource dataSource() {
    return (HikariDataSource) DelegatingDataSource.unwrapDataSource(context.getBean(DataSource.class));
  }

  /** The units of work and reads of the stores, on this context's transaction manager. */
  public Transactions transactions() {
    return context.getBean(Transactions.class);
  }

  /** The account store as the application wires it, writes stamped with no API key (Obol's own work). */
  public PostgresAccountStore accountStore() {
    return new PostgresAccountStore(transactions(), context.getBean(AccountTables.class), () -> null);
  }

  /** The account store with its transactions batched by {@code pipeline} (see {@link CommitPipeline}). */
  public PostgresAccountStore accountStore(CommitPipeline pipeline) {
    return new PostgresAccountStore(transactions(), context.getBean(AccountTables.class), () -> null, pipeline);
  }

  /** A commit pipeline on this context's transactions; the caller closes it. */
  public CommitPipeline commitPipeline(int writers, int batchMax) {
    return new CommitPipeline(
        transactions(), context.getBean(AccountTables.class), new CommitPipeline.Settings(writers, batchMax, 4096));
  }

  public <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  public void close() {
    context.close();
  }
}
