package dev.obol.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.obol.domain.error.UnavailableException;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.FeatureCatalog;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.model.LowBalancePolicy;
import dev.obol.domain.model.Pricing;
import dev.obol.domain.model.RecordedEntry;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.port.AccountSession;
import dev.obol.domain.port.AccountStore.LockMode;
import dev.obol.domain.port.LedgerAudit.InvariantReport;
import dev.obol.domain.service.WalletService;
import dev.obol.domain.testing.AccountStoreContract;
import dev.obol.domain.testing.MutableClock;
import dev.obol.domain.usecase.DebitCommand;
import dev.obol.domain.usecase.DebitOutcome;
import dev.obol.domain.usecase.GrantCommand;
import dev.obol.persistence.testing.PersistenceContext;
import dev.obol.persistence.testing.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The commit pipeline on a real PostgreSQL: every rule of the {@link AccountStoreContract} (a store's promises, the
 * concurrency test included) holds when account transactions are batched, and what batching adds: many calls in one
 * commit, a member that fails alone, a retry inside one batch, the order of acceptance on one wallet, two instances
 * batching one hot wallet, and a batch whose database connection dies.
 *
 * <p>To put given calls into one batch, a "gate" unit of work holds the only writer busy until they have queued.
 */
class CommitPipelineTest extends AccountStoreContract {

  private static PersistenceContext context;
  private static HikariDataSource dataSource;
  /** One writer, so a test decides exactly what shares a batch. */
  private static CommitPipeline pipeline;
  private static PostgresAccountStore store;
  private static PostgresLedgerAudit audit;
  private static final MutableClock clock = MutableClock.at("2026-11-01T10:00:00Z");

  private final ExecutorService callers = Executors.newFixedThreadPool(48);
  private final AccountId hot = AccountId.of("hot-" + UUID.randomUUID());

  @BeforeAll
  static void start() {
    context = TestDatabase.get().freshContext(20);
    dataSource = context.dataSource();
    pipeline = context.commitPipeline(1, 128);
    store = context.accountStore(pipeline);
    audit = new PostgresLedgerAudit(context.transactions(), store);
  }

  @AfterAll
  static void stop() {
    pipeline.close(Duration.ofSeconds(5));
    dataSource.close();
  }

  @AfterEach
  void stopCallers() {
    callers.shutdownNow();
  }

  @Override
  protected Subject subject() {
    return new Subject(store, store, audit, clock);
  }

  private static WalletService walletsOn(PostgresAccountStore on) {
    return new WalletService(
        on, on, FeatureCatalog.defaults(), LowBalancePolicy.defaults(), new TimeOrderedIds(), clock);
  }

  // ---- batching ---------------------------------------------------------------------------------------------------

  @Test
  void calls_that_queue_together_commit_in_one_transaction() throws Exception {
    WalletService wallets = walletsOn(store);
    Gate gate = Gate.open(callers);
    List<Future<?>> grants = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      AccountId account = AccountId.of("batch-" + i + "-" + UUID.randomUUID());
      grants.add(callers.submit(() -> wallets.grant(grant(account, 10, "g"))));
    }
    awaitQueued(20);
    CommitPipeline.Stats before = pipeline.stats();

    gate.release();
    for (Future<?> grant : grants) {
      grant.get(10, TimeUnit.SECONDS);
    }

    CommitPipeline.Stats after = pipeline.stats();
    // The gate's batch and one more that carried all twenty.
    assertThat(after.batches() - before.batches()).isEqualTo(2);
    assertThat(after.members() - before.members()).isEqualTo(21);
  }

  @Test
  void a_member_that_fails_fails_alone_and_writes_nothing() throws Exception {
    WalletService wallets = walletsOn(store);
    AccountId failing = AccountId.of("failing-" + UUID.randomUUID());
    AccountId badSql = AccountId.of("bad-sql-" + UUID.randomUUID());
    List<AccountId> neighbours = new ArrayList<>();
    IllegalStateException boom = new IllegalStateException("boom after writing");
    Gate gate = Gate.open(callers);
    List<Future<?>> calls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      AccountId account = AccountId.of("neighbour-" + i + "-" + UUID.randomUUID());
      neighbours.add(account);
      calls.add(callers.submit(() -> wallets.grant(grant(account, 10, "g"))));
      if (i == 2) {
        // Writes a grant, then throws: its writes must go, its neighbours' stay.
        calls.add(
            callers.submit(
                () ->
                    store.inTransaction(
                        failing,
                        LockMode.CREATE_IF_MISSING,
                        session -> {
                          walletsOnSession(session, failing);
                          throw boom;
                        })));
      }
      if (i == 4) {
        // A statement the database refuses aborts the whole transaction: the batch must run again without it.
        calls.add(
            callers.submit(
                () ->
                    store.inTransaction(
                        badSql,
                        LockMode.CREATE_IF_MISSING,
                        session -> {
                          walletsOnSession(session, badSql);
                          return query((PostgresSession) session, "SELECT 1 / 0");
                        })));
      }
    }
    awaitQueued(8);
    gate.release();

    List<Throwable> failures = new ArrayList<>();
    for (Future<?> call : calls) {
      try {
        call.get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        failures.add(e.getCause());
      }
    }
    assertThat(failures).hasSize(2);
    assertThat(failures.get(0)).isSameAs(boom);
    assertThat(failures.get(1)).isInstanceOf(PersistenceException.class);
    for (AccountId neighbour : neighbours) {
      assertThat(wallets.balances(neighbour, Asset.TOKEN).get(0).balance()).isEqualTo(10);
    }
    assertThat(store.findAccount(failing)).isEmpty();
    assertThat(store.findAccount(badSql)).isEmpty();
    assertThat(store.entries(failing, null, null, Long.MAX_VALUE, 10)).isEmpty();
  }

  @Test
  void a_member_whose_writes_the_database_refuses_fails_alone() throws Exception {
    WalletService wallets = walletsOn(store);
    AccountId refused = AccountId.of("refused-" + UUID.randomUUID());
    String grantId = "grt-taken-" + UUID.randomUUID();
    creditGrant(refused, grantId);
    // Spent, so the wallet does not load it and the domain cannot see the id is taken: only the database's primary
    // key refuses the second grant, when its held-back writes are sent (with the next member's lock, in a batch).
    wallets.checkAndDebit(
        new DebitCommand(refused, new Pricing.ByAmount(Asset.TOKEN, 5), RequestId.of("spend"), Map.of()));
    Gate gate = Gate.open(callers);
    List<AccountId> neighbours = new ArrayList<>();
    List<Future<?>> calls = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      AccountId account = AccountId.of("z-neighbour-" + i + "-" + UUID.randomUUID()); // locked after "refused-…"
      neighbours.add(account);
      calls.add(callers.submit(() -> wallets.grant(grant(account, 10, "g"))));
    }
    Future<Object> duplicate = callers.submit(() -> creditGrant(refused, grantId));
    awaitQueued(5);
    gate.release();

    for (Future<?> call : calls) {
      call.get(10, TimeUnit.SECONDS);
    }
    assertThatThrownBy(() -> duplicate.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(PersistenceException.class);
    for (AccountId neighbour : neighbours) {
      assertThat(wallets.balances(neighbour, Asset.TOKEN).get(0).balance()).isEqualTo(10);
    }
    assertThat(wallets.balances(refused, Asset.TOKEN).get(0).balance()).isZero();
  }

  private static Object creditGrant(AccountId account, String grantId) {
    return store.inTransaction(
        account,
        LockMode.CREATE_IF_MISSING,
        session -> {
          var wallet = session.loadWallet(Asset.TOKEN, java.util.Set.of());
          wallet.credit(
              dev.obol.domain.testing.GrantBuilder.aGrant(grantId).account(account).amount(5).build(),
              dev.obol.domain.model.EntryContext.of("r-" + UUID.randomUUID(), "g", clock.instant()));
          session.save(wallet);
          return null;
        });
  }

  @Test
  void a_retry_in_the_same_batch_gets_the_first_answer() throws Exception {
    WalletService wallets = walletsOn(store);
    wallets.grant(grant(hot, 100, "g"));
    Gate gate = Gate.open(callers);
    DebitCommand debit =
        new DebitCommand(hot, new Pricing.ByAmount(Asset.TOKEN, 30), RequestId.of("same-request"), Map.of());
    Future<DebitOutcome> first = callers.submit(() -> wallets.checkAndDebit(debit));
    awaitQueued(1);
    Future<DebitOutcome> retry = callers.submit(() -> wallets.checkAndDebit(debit));
    awaitQueued(2);
    gate.release();

    DebitOutcome.Debited answer = (DebitOutcome.Debited) first.get(10, TimeUnit.SECONDS);
    assertThat(retry.get(10, TimeUnit.SECONDS)).isEqualTo(answer);
    assertThat(wallets.balances(hot, Asset.TOKEN).get(0).balance()).isEqualTo(70);
  }

  @Test
  void debits_on_one_wallet_are_applied_in_the_order_they_were_accepted() throws Exception {
    WalletService wallets = walletsOn(store);
    wallets.grant(grant(hot, 10_000, "g"));
    Gate gate = Gate.open(callers);
    List<Future<DebitOutcome>> debits = new ArrayList<>();
    for (int amount = 1; amount <= 30; amount++) {
      DebitCommand debit =
          new DebitCommand(hot, new Pricing.ByAmount(Asset.TOKEN, amount), RequestId.of("d-" + amount), Map.of());
      debits.add(callers.submit(() -> wallets.checkAndDebit(debit)));
      awaitQueued(amount); // accepted, in this order
    }
    gate.release();
    for (Future<DebitOutcome> debit : debits) {
      assertThat(debit.get(10, TimeUnit.SECONDS)).isInstanceOf(DebitOutcome.Debited.class);
    }

    List<RecordedEntry> newestFirst = new ArrayList<>(store.entries(hot, Asset.TOKEN, null, Long.MAX_VALUE, 100));
    java.util.Collections.reverse(newestFirst);
    List<Long> amountsOldestFirst = new ArrayList<>();
    for (RecordedEntry entry : newestFirst) {
      if (entry.entry().amount() < 0) {
        amountsOldestFirst.add(-entry.entry().amount());
      }
    }
    List<Long> accepted = new ArrayList<>();
    for (long amount = 1; amount <= 30; amount++) {
      accepted.add(amount);
    }
    assertThat(amountsOldestFirst).isEqualTo(accepted);
  }

  @Test
  void two_instances_batching_one_hot_wallet_never_overdraw() throws Exception {
    PersistenceContext other = TestDatabase.get().contextOn(dataSource.getJdbcUrl(), 10);
    CommitPipeline otherPipeline = other.commitPipeline(2, 128);
    try {
      WalletService here = walletsOn(store);
      WalletService there = walletsOn(other.accountStore(otherPipeline));
      here.grant(grant(hot, 250, "g"));
      List<Callable<DebitOutcome>> calls = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        WalletService instance = i % 2 == 0 ? here : there;
        DebitCommand debit =
            new DebitCommand(hot, new Pricing.ByAmount(Asset.TOKEN, 1), RequestId.of("two-" + i), Map.of());
        calls.add(() -> instance.checkAndDebit(debit));
      }
      long allowed = 0;
      for (Future<DebitOutcome> result : callers.invokeAll(calls)) {
        if (result.get() instanceof DebitOutcome.Debited) {
          allowed++;
        }
      }
      assertThat(allowed).isEqualTo(250);
      assertThat(here.balances(hot, Asset.TOKEN).get(0).balance()).isZero();
      InvariantReport report = audit.check(hot, Asset.TOKEN, clock.instant());
      assertThat(report.holds()).as(report.toString()).isTrue();
      // Both batched: more debits than commits on each instance.
      assertThat(pipeline.stats().members()).isGreaterThan(pipeline.stats().batches());
      assertThat(otherPipeline.stats().members()).isGreaterThan(otherPipeline.stats().batches());
    } finally {
      otherPipeline.close(Duration.ofSeconds(5));
      other.dataSource().close();
    }
  }

  @Test
  void a_batch_whose_connection_dies_answers_every_member_unavailable_and_writes_nothing() throws Exception {
    WalletService wallets = walletsOn(store);
    CountDownLatch gateRunning = new CountDownLatch(1);
    CountDownLatch gateRelease = new CountDownLatch(1);
    int[] backend = new int[1];
    AccountId gateAccount = AccountId.of("gate-" + UUID.randomUUID());
    Future<Object> gateCall =
        callers.submit(
            () ->
                store.inTransaction(
                    gateAccount,
                    LockMode.CREATE_IF_MISSING,
                    session -> {
                      backend[0] = query((PostgresSession) session, "SELECT pg_backend_pid()");
                      gateRunning.countDown();
                      await(gateRelease);
                      return null;
                    }));
    assertThat(gateRunning.await(10, TimeUnit.SECONDS)).isTrue();
    List<AccountId> members = new ArrayList<>();
    List<Future<?>> grants = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      AccountId account = AccountId.of("doomed-" + i + "-" + UUID.randomUUID());
      members.add(account);
      grants.add(callers.submit(() -> wallets.grant(grant(account, 10, "g"))));
    }
    awaitQueued(3);
    // The gate's batch is the gate alone; the next batch (the three) then starts on a fresh connection. Kill the gate's
    // connection under it, so the gate's own commit fails.
    try (Connection admin = dataSource.getConnection();
        Statement statement = admin.createStatement()) {
      statement.execute("SELECT pg_terminate_backend(" + backend[0] + ")");
    }
    gateRelease.countDown();

    assertThatThrownBy(() -> gateCall.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(UnavailableException.class)
        .hasFieldOrPropertyWithValue("reason", "DATABASE_UNAVAILABLE");
    assertThat(store.findAccount(gateAccount)).isEmpty();
    // The three behind it are in a batch of their own, on a good connection.
    for (Future<?> grant : grants) {
      grant.get(10, TimeUnit.SECONDS);
    }
    for (AccountId account : members) {
      assertThat(wallets.balances(account, Asset.TOKEN).get(0).balance()).isEqualTo(10);
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------------------------

  /** A unit of work that keeps the only writer busy until released, so what is submitted meanwhile queues. */
  private record Gate(CountDownLatch latch, Future<Object> call) {
    static Gate open(ExecutorService callers) throws InterruptedException {
      CountDownLatch running = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      AccountId account = AccountId.of("gate-" + UUID.randomUUID());
      Future<Object> call =
          callers.submit(
              () ->
                  store.inTransaction(
                      account,
                      LockMode.CREATE_IF_MISSING,
                      session -> {
                        running.countDown();
                        await(release);
                        return null;
                      }));
      assertThat(running.await(10, TimeUnit.SECONDS)).as("the gate runs on the writer").isTrue();
      return new Gate(release, call);
    }

    void release() throws Exception {
      latch.countDown();
      call.get(10, TimeUnit.SECONDS);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(20, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void awaitQueued(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (pipeline.queued() < count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("only " + pipeline.queued() + " of " + count + " queued");
      }
      Thread.sleep(2);
    }
  }

  private static GrantCommand grant(AccountId account, long amount, String requestId) {
    return GrantCommand.of(account, Asset.TOKEN, amount, GrantSource.PURCHASE, "test", RequestId.of(requestId));
  }

  /** A grant written inside the session (so there is something to roll back). */
  private static void walletsOnSession(AccountSession session, AccountId account) {
    var wallet = session.loadWallet(Asset.TOKEN, java.util.Set.of());
    wallet.credit(
        dev.obol.domain.testing.GrantBuilder.aGrant("g-" + UUID.randomUUID()).account(account).amount(5).build(),
        dev.obol.domain.model.EntryContext.of("r", "g", clock.instant()));
    session.save(wallet);
  }

  private static int query(PostgresSession session, String sql) {
    try (PreparedStatement statement = session.prepare(sql);
        ResultSet rows = statement.executeQuery()) {
      rows.next();
      return rows.getInt(1);
    } catch (SQLException e) {
      throw new PersistenceException(sql + " failed", e);
    }
  }
}
