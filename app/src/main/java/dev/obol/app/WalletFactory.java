package dev.obol.app;

import dev.obol.domain.model.Asset;
import dev.obol.domain.model.FeatureCatalog;
import dev.obol.domain.model.LowBalancePolicy;
import dev.obol.domain.usecase.AccountUseCases;
import dev.obol.domain.usecase.PaymentUseCases;
import dev.obol.domain.usecase.WalletUseCases;
import dev.obol.domain.port.Activity;
import dev.obol.domain.port.IdGenerator;
import dev.obol.domain.port.LedgerAudit;
import dev.obol.domain.service.AutoRechargeService;
import dev.obol.domain.service.AutoRechargeTrigger;
import dev.obol.domain.service.ExpirySweeper;
import dev.obol.domain.service.HoldService;
import dev.obol.domain.service.SalesService;
import dev.obol.domain.usecase.SalesUseCases;
import dev.obol.persistence.PostgresSalesReader;
import dev.obol.domain.service.GrantWriter;
import dev.obol.domain.service.WalletService;
import dev.obol.grpc.AccountGrpcEndpoint;
import dev.obol.grpc.CallerContext;
import dev.obol.grpc.WalletGrpcEndpoint;
import dev.obol.persistence.AccountTables;
import dev.obol.persistence.CommitPipeline;
import dev.obol.persistence.Transactions;
import dev.obol.persistence.PostgresAccountStore;
import dev.obol.persistence.PostgresLedgerAudit;
import dev.obol.persistence.TimeOrderedIds;
import io.grpc.BindableService;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Secondary;
import dev.obol.domain.model.SeatFeeFormula;
import dev.obol.domain.service.AccountListService;
import dev.obol.domain.service.UsageService;
import dev.obol.domain.usecase.AccountListUseCases;
import dev.obol.domain.usecase.UsageUseCases;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Wires the domain services to their adapters. The domain itself knows nothing of Micronaut. */
@Factory
public class WalletFactory {

  @Singleton
  PostgresAccountStore accountStore(
      Transactions transactions, AccountTables tables, Optional<CommitPipeline> pipeline) {
    // Writes are stamped with the key of the gRPC call the thread serves (null for the webhook and the jobs).
    return new PostgresAccountStore(transactions, tables, CallerContext::currentKeyId, pipeline.orElse(null));
  }

  /** Many account transactions per commit; closed by the ShutdownSequence after the calls and before the pool. */
  @Singleton
  @Requires(property = "obol.commit-pipeline.enabled", notEquals = "false")
  CommitPipeline commitPipeline(
      Transactions transactions,
      AccountTables tables,
      @Property(name = "obol.commit-pipeline.writers", defaultValue = "2") int writers,
      @Property(name = "obol.commit-pipeline.batch-max", defaultValue = "128") int batchMax,
      @Property(name = "obol.commit-pipeline.queue-max", defaultValue = "4096") int queueMax) {
    return new CommitPipeline(transactions, tables, new CommitPipeline.Settings(writers, batchMax, queueMax));
  }

  /** The ledger invariant recomputed from the rows and compared with the read path (tests and operators). */
  @Singleton
  LedgerAudit ledgerAudit(Transactions transactions, PostgresAccountStore store) {
    return new PostgresLedgerAudit(transactions, store);
  }

  /** The system clock unless a test registers its own. */
  @Singleton
  @Secondary
  Clock clock() {
    return Clock.systemUTC();
  }

  @Singleton
  IdGenerator ids() {
    return new TimeOrderedIds();
  }

  @Singleton
  FeatureCatalog featureCatalog(
      @Property(name = "obol.catalog.features") String features,
      @Property(name = "obol.catalog.default-price", defaultValue = "") String defaultPrice) {
    return CatalogConfig.parse(features, defaultPrice);
  }

  @Singleton
  LowBalancePolicy lowBalancePolicy(
      @Property(name = "obol.low-balance.token", defaultValue = "100") long tokens,
      @Property(name = "obol.low-balance.eur", defaultValue = "2000") long cents) {
    return new LowBalancePolicy(Map.of(Asset.TOKEN, tokens, Asset.EUR, cents));
  }

  /** The one path every credit takes; other factories contribute what must follow a credit as AfterCredit beans. */
  @Singleton
  GrantWriter grantWriter(IdGenerator ids, List<GrantWriter.AfterCredit> afterCredit) {
    return new GrantWriter(ids, afterCredit);
  }

  @Singleton
  WalletUseCases walletUseCases(
      PostgresAccountStore store,
      FeatureCatalog catalog,
      LowBalancePolicy lowBalance,
      IdGenerator ids,
      Clock clock,
      GrantWriter grants,
      List<WalletService.AfterDebit> afterDebit,
      Activity activity) {
    return new WalletService(store, store, catalog, lowBalance, ids, clock, grants, afterDebit, activity);
  }

  @Singleton
  ExpirySweeper expirySweeper(PostgresAccountStore store, Clock clock) {
    return new ExpirySweeper(store, store, clock);
  }

  @Singleton
  HoldService holdService(
      PostgresAccountStore store,
      FeatureCatalog catalog,
      LowBalancePolicy lowBalance,
      IdGenerator ids,
      Clock clock,
      Activity activity,
      AutoRechargeTrigger autoRecharge) {
    return new HoldService(store, store, catalog, lowBalance, ids, clock, activity, List.of(autoRecharge));
  }

  @Singleton
  @Named("wallet")
  BindableService walletEndpoint(WalletUseCases wallets, UsageUseCases usage, HoldService holds) {
    return new WalletGrpcEndpoint(wallets, usage, holds);
  }

  @Singleton
  UsageUseCases usageUseCases(PostgresAccountStore store) {
    return new UsageService(store, store);
  }

  @Singleton
  AccountListUseCases accountListUseCases(
      PostgresAccountStore store, SeatFeeFormula formula, LowBalancePolicy lowBalance, Clock clock) {
    return new AccountListService(store, formula, lowBalance, clock);
  }

  /** Each use case is wired by its own factory (PaymentFactory, AccountFactory). */
  @Singleton
  @Named("account")
  BindableService accountEndpoint(
      PaymentUseCases payments,
      AccountUseCases accounts,
      AccountListUseCases listing,
      SalesUseCases sales,
      AutoRechargeService autoRecharge) {
    return new AccountGrpcEndpoint(payments, accounts, listing, sales, autoRecharge);
  }

  @Singleton
  PostgresSalesReader salesReader(Transactions transactions) {
    return new PostgresSalesReader(transactions);
  }

  @Singleton
  SalesUseCases salesUseCases(PostgresSalesReader reader) {
    return new SalesService(reader);
  }

  /** On unless OBOL_GRPC_REFLECTION=false: it describes the contract, which is public, and no data. */
  @Singleton
  @Named("reflection")
  @Requires(property = "obol.grpc.reflection", notEquals = "false")
  BindableService reflection() {
    return ProtoReflectionServiceV1.newInstance();
  }

  /**
   * Reflection v1alpha, under the same switch: grpc-java deprecates it, but Python's grpcio-reflection and grpcurl
   * before 1.9 ask only for {@code grpc.reflection.v1alpha.ServerReflection}, and it costs nothing to answer both.
   */
  @Singleton
  @Named("reflection-v1alpha")
  @Requires(property = "obol.grpc.reflection", notEquals = "false")
  @SuppressWarnings("deprecation")
  BindableService reflectionV1alpha() {
    return ProtoReflectionService.newInstance();
  }
}
