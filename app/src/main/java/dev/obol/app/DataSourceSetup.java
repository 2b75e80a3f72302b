package dev.obol.app;

import com.zaxxer.hikari.HikariDataSource;
import dev.obol.persistence.Migrations;
import io.micronaut.configuration.jdbc.hikari.DatasourceConfiguration;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.context.event.BeanInitializedEventListener;
import io.micronaut.context.event.BeanInitializingEvent;
import io.micronaut.data.connection.jdbc.advice.ContextualAwareDataSource;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;
import javax.sql.DataSource;

/**
 * The database as Micronaut configures it: micronaut-jdbc-hikari builds the pool from {@code datasources.default.*}
 * (application.yml), micronaut-data-tx-jdbc puts its transaction manager on it. What Obol adds: where the database is
 * ({@link DatabaseLocation}: {@code obol.database.*}, or the embedded PostgreSQL it starts), the schema migrated
 * before anyone uses the pool, and the pool left unwrapped.
 */
@Factory
public class DataSourceSetup {

  /** The pool under its own type too (tests read rows through it); not a second DataSource. */
  @Singleton
  @Bean(typed = HikariDataSource.class)
  HikariDataSource pool(DataSource dataSource) {
    return (HikariDataSource) DelegatingDataSource.unwrapDataSource(dataSource);
  }

  /**
   * The pool itself stays the DataSource bean: Micronaut Data would wrap it in a proxy whose connections are the
   * current transaction's, failing outside one. Obol's stores take their transaction's connection from
   * {@code Transactions} and open their own for reads, and the repositories find theirs through the transaction
   * manager, so nothing needs that proxy; without it the pool is still a HikariDataSource to whoever asks.
   */
  @Singleton
  @Replaces(ContextualAwareDataSource.class)
  static final class PlainPool implements BeanCreatedEventListener<DataSource> {
    @Override
    public DataSource onCreated(BeanCreatedEvent<DataSource> event) {
      return event.getBean();
    }
  }

  /** Fills in the URL and credentials before the pool's configuration is checked (it needs a URL). */
  @Singleton
  static final class Location implements BeanInitializedEventListener<DatasourceConfiguration> {
    private final DatabaseLocation location;

    Location(DatabaseLocation location) {
      this.location = location;
    }

    @Override
    public DatasourceConfiguration onInitialized(BeanInitializingEvent<DatasourceConfiguration> event) {
      DatasourceConfiguration configuration = event.getBean();
      configuration.setUrl(location.url());
      configuration.setUsername(location.user());
      if (location.password() != null && !location.password().isEmpty()) {
        configuration.setPassword(location.password());
      }
      return configuration;
    }
  }

  /** Flyway brings the schema to the current version as soon as the pool exists. */
  @Singleton
  static final class Schema implements BeanCreatedEventListener<DataSource> {
    @Override
    public DataSource onCreated(BeanCreatedEvent<DataSource> event) {
      Migrations.apply(DelegatingDataSource.unwrapDataSource(event.getBean()));
      return event.getBean();
    }
  }
}
