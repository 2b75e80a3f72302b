package dev.obol.persistence;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/** Brings a database's schema to the current version (Flyway, scripts in db/migration). */
public final class Migrations {

  private Migrations() {}

  public static void apply(DataSource dataSource) {
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration")
        .load()
        .migrate();
  }
}
