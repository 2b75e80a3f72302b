package dev.obol.persistence;

import io.micronaut.context.annotation.Context;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.micronaut.transaction.TransactionOperations;
import io.micronaut.transaction.TransactionStatus;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * The repositories of the account tables off the debit hot path (accounts reads, seat plans and charges, the ledger
 * listing), as one dependency of {@link PostgresAccountStore} and its sessions.
 *
 * <p>Also known by the pool they run on, for code that only has that pool or a connection of its transaction: the
 * {@code PostgresAccountStore(DataSource)} of the store tests, and sessions opened by a caller that does not pass
 * these (see {@link #holding}). Eager ({@code @Context}), like {@link TransactionManagerBinding}.
 */
@Context
public final class AccountTables implements AutoCloseable {

  private static final Map<DataSource, AccountTables> BY_DATA_SOURCE = new ConcurrentHashMap<>();

  private final DataSource dataSource;
  private final TransactionOperations<Connection> manager;
  final AccountRepository accounts;
  final SeatPlanRepository seatPlans;
  final SeatChargeRepository seatCharges;
  final LedgerEntryRepository entries;

  AccountTables(
      DataSource dataSource,
      TransactionOperations<Connection> manager,
      AccountRepository accounts,
      SeatPlanRepository seatPlans,
      SeatChargeRepository seatCharges,
      LedgerEntryRepository entries) {
    this.dataSource = dataSource;
    this.manager = manager;
    this.accounts = accounts;
    this.seatPlans = seatPlans;
    this.seatCharges = seatCharges;
    this.entries = entries;
    BY_DATA_SOURCE.put(dataSource, this);
    BY_DATA_SOURCE.put(DelegatingDataSource.unwrapDataSource(dataSource), this);
  }

  /** The repositories of the context whose pool this is (the context's DataSource or the pool inside it). */
  static AccountTables of(DataSource dataSource) {
    AccountTables tables = BY_DATA_SOURCE.get(dataSource);
    if (tables == null) {
      throw new IllegalStateException(
          "no account repositories for this DataSource: take it from the Micronaut context (datasources.default)");
    }
    return tables;
  }

  /**
   * The repositories of the context whose transaction, on the current thread, holds {@code connection}: a repository
   * only joins the transaction of its own context.
   */
  static AccountTables holding(Connection connection) {
    for (AccountTables tables : BY_DATA_SOURCE.values()) {
      if (tables.manager.findTransactionStatus().map(TransactionStatus::getConnection).orElse(null) == connection) {
        return tables;
      }
    }
    throw new IllegalStateException("the connection is not in a transaction of a context with account repositories");
  }

  @PreDestroy
  @Override
  public void close() {
    BY_DATA_SOURCE.remove(dataSource, this);
    BY_DATA_SOURCE.remove(DelegatingDataSource.unwrapDataSource(dataSource), this);
  }
}
