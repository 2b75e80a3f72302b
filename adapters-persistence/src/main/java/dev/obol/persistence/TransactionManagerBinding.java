package dev.obol.persistence;

import io.micronaut.context.annotation.Context;
import io.micronaut.transaction.TransactionOperations;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import javax.sql.DataSource;

/**
 * Hands the context's transaction manager to {@link Transactions}, whose callers (the stores) are plain classes that
 * know only their {@link DataSource}. Eager ({@code @Context}): the stores may run work as soon as they exist.
 */
@Context
final class TransactionManagerBinding implements AutoCloseable {

  private final DataSource dataSource;

  TransactionManagerBinding(DataSource dataSource, TransactionOperations<Connection> manager) {
    this.dataSource = dataSource;
    Transactions.bind(dataSource, manager);
  }

  @PreDestroy
  @Override
  public void close() {
    Transactions.unbind(dataSource);
  }
}
