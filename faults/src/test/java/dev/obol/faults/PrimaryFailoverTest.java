package dev.obol.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.obol.faults.LedgerCheck.Ack;
import dev.obol.faults.LedgerCheck.DebitRow;
import dev.obol.faults.LedgerCheck.Entry;
import dev.obol.faults.LedgerCheck.Key;
import dev.obol.faults.LedgerCheck.Kind;
import dev.obol.faults.RetryingClients.Acknowledged;
import dev.obol.proto.v1.Asset;
import dev.obol.proto.v1.GetBalanceRequest;
import dev.obol.proto.v1.GetBalanceResponse;
import dev.obol.proto.v1.WalletServiceGrpc;
import io.grpc.Channel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Obol survives the loss of its PostgreSQL primary under load, and loses no acknowledged write.
 *
 * <p>Two real Obol processes ({@code app/target/obol.jar}) share one database through the multi-host URL
 * {@code jdbc:postgresql://primary,standby/postgres?targetServerType=primary}. The primary has a synchronous standby
 * ({@code synchronous_standby_names = 'FIRST 1 (standby1)'}, {@code synchronous_commit = on}), so a commit is
 * acknowledged only once the standby has flushed it. Clients keep debits (and a few grants) in flight, retrying
 * every failure with the same request id; the primary's processes are SIGKILLed, the standby is promoted with
 * {@code pg_ctl promote}, and the load goes on until debits succeed again through the same Obol processes. Then the
 * surviving database must hold every acknowledged write exactly once, nothing nobody asked for, balances equal to
 * acknowledged grants minus acknowledged debits, and the ledger invariant.
 *
 * <p>Needs Debian's PostgreSQL binaries ({@code apt-get install postgresql}); without them the test is skipped, unless
 * {@code OBOL_FAULTS_REQUIRED=1} (set by {@code .ci/run}), which makes it fail. {@code -Dobol.faults.synchronous=false}
 * runs the same scenario with asynchronous replication, to watch the check catch lost writes.
 */
class PrimaryFailoverTest {

  private static final int ACCOUNTS = 20;
  private static final long SEED_TOKENS = 1_000_000;
  private static final String FEATURE = "ai.generate";
  private static final int OBOL_INSTANCES = 2;
  private static final int DEBIT_THREADS = 8;
  private static final long GRANT_EVERY_MILLIS = 100;
  /** Debits acknowledged before the primary is killed. */
  private static final long DEBITS_BEFORE = 400;
  /** Debits that must succeed, sent after the promotion, before the load stops. */
  private static final long DEBITS_AFTER = 400;
  /**
   * A failure detector's delay: the standby is promoted this long after the primary died; longer than a client's
   * deadline per attempt (5 s), so calls time out and are retried while Obol waits for a database.
   */
  private static final long PROMOTE_AFTER_MILLIS = 6_000;
  private static final String STANDBY_NAME = "standby1";

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void noAcknowledgedWriteIsLostWhenThePrimaryDiesAndTheStandbyIsPromoted() throws Exception {
    long testStarted = System.nanoTime();
    Path bin = PostgresNode.debianBinariesOrSkip("failover");
    Path jar = Path.of(System.getProperty("obol.jar", "../app/target/obol.jar")).toAbsolutePath().normalize();
    assertThat(jar).as("the fat jar (mvn -Pfaults builds app first)").isRegularFile();
    boolean synchronous = Boolean.parseBoolean(System.getProperty("obol.faults.synchronous", "true"));

    Path work = Files.createTempDirectory("obol-failover-");
    PostgresNode.chownToPostgres(work);
    PostgresNode primary = new PostgresNode(bin, work, "primary");
    PostgresNode standby = new PostgresNode(bin, work, "standby");
    List<ObolProcess> obols = new ArrayList<>();
    boolean passed = false;
    try {
      // 1. The primary and its synchronous standby.
      primary.initdb(
          "wal_level = replica",
          "max_wal_senders = 5",
          "max_replication_slots = 5",
          "max_connections = 100",
          "fsync = on",
          "synchronous_commit = on",
          "synchronous_standby_names = '" + (synchronous ? "FIRST 1 (" + STANDBY_NAME + ")" : "") + "'");
      primary.start();
      try (Connection db = primary.connect(); Statement sql = db.createStatement()) {
        // Before the standby exists: this commit must not wait for it.
        sql.execute("SET synchronous_commit = local");
        sql.execute("CREATE ROLE replicator WITH REPLICATION LOGIN");
      }
      standby.baseBackupOf(primary, "replicator", STANDBY_NAME,
          // Promoted, it has no standby of its own: waiting for one would stop every write.
          "synchronous_standby_names = ''",
          "hot_standby = on");
      standby.start();
      awaitReplication(primary, synchronous ? "sync" : "async");

      // 2. Obol, twice, on the multi-host URL.
      String apiKey = "faults-" + UUID.randomUUID() + UUID.randomUUID();
      Map<String, String> environment = Map.of(
          "OBOL_DATABASE_URL", "jdbc:postgresql://127.0.0.1:" + primary.port + ",127.0.0.1:" + standby.port
              + "/postgres?targetServerType=primary",
          "OBOL_DATABASE_USER", "postgres",
          "OBOL_DATABASE_POOL_SIZE", "8",
          "OBOL_BOOTSTRAP_ADMIN_KEY", apiKey,
          "OBOL_DEMO_SEED", "false");
      for (int i = 0; i < OBOL_INSTANCES; i++) {
        obols.add(ObolProcess.start("obol-" + i, jar, work.resolve("obol-" + i), environment, apiKey));
      }
      for (ObolProcess obol : obols) {
        obol.awaitReady(120);
      }
      List<Channel> channels = obols.stream().map(o -> o.channel).toList();
      long obolReady = System.nanoTime();

      // 3. Load: accounts seeded, debits and grants in flight.
      String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
      List<String> accounts = IntStream.range(0, ACCOUNTS).mapToObj(i -> "fo-" + run + "-" + i).toList();
      RetryingClients clients = new RetryingClients(channels, run);
      clients.seed(accounts, SEED_TOKENS);
      clients.start(accounts, FEATURE, DEBIT_THREADS, GRANT_EVERY_MILLIS);
      awaitUntil(() -> clients.acknowledgedDebits() >= DEBITS_BEFORE, 60, "debits before the kill");
      String replication = replicationState(primary);

      // 4. The primary dies; a moment later the standby is promoted.
      List<ProcessHandle> killed = primary.kill();
      long killedAt = System.nanoTime();
      primary.awaitDeath(killed);
      Thread.sleep(Math.max(0, PROMOTE_AFTER_MILLIS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt)));
      long promoteAsked = System.nanoTime();
      standby.promote();
      long promotedAt = System.nanoTime();
      awaitUntil(() -> clients.debitsSentAfter(promotedAt) >= DEBITS_AFTER, 90,
          "debits sent after the promotion (Obol reconnecting by itself)");
      clients.stopAndJoin();
      long loadStopped = System.nanoTime();
      for (ObolProcess obol : obols) {
        assertThat(obol.isAlive()).as(obol.name + " still running (never restarted)").isTrue();
      }

      // 5. Every acknowledged write sent again, unchanged: the first answer comes back (and nothing is written).
      List<Acknowledged> acknowledged = List.copyOf(clients.acknowledged);
      List<String> problems = new ArrayList<>();
      List<Acknowledged> replayed = acknowledged.stream()
          .filter(a -> a.attempts() > 1 || (a.firstSent() < killedAt && a.answered() > killedAt))
          .toList();
      int replayIndex = 1;
      for (Acknowledged a : replayed) {
        Object again = clients.replay(a.ack().key(), replayIndex++);
        if (!again.equals(clients.answers.get(a.ack().key()))) {
          problems.add("retry of " + a.ack().key() + " answered " + again + " not the first answer "
              + clients.answers.get(a.ack().key()));
        }
      }

      // 6. The surviving database, read directly.
      Map<String, Long> answered = new HashMap<>();
      for (String account : accounts) {
        GetBalanceResponse balance = WalletServiceGrpc.newBlockingStub(channels.get(0))
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .getBalance(GetBalanceRequest.newBuilder().setAccountId(account).setAsset(Asset.ASSET_TOKEN).build());
        answered.put(account, balance.getWalletsList().stream().mapToLong(w -> w.getBalance()).sum());
      }
      List<Entry> entries = new ArrayList<>();
      List<DebitRow> debits = new ArrayList<>();
      Map<String, Long> ledgerSums = new HashMap<>();
      List<String> invariant;
      try (Connection db = standby.connect(); Statement sql = db.createStatement()) {
        try (ResultSet rows = sql.executeQuery("SELECT pg_is_in_recovery()")) {
          rows.next();
          assertThat(rows.getBoolean(1)).as("the standby was promoted").isFalse();
        }
        try (ResultSet rows = sql.executeQuery(
            "SELECT account_id, request_id, kind, operation_id, amount FROM ledger_entries")) {
          while (rows.next()) {
            entries.add(new Entry(new Key(rows.getString(1), rows.getString(2)), rows.getString(3),
                rows.getString(4), rows.getLong(5)));
          }
        }
        try (ResultSet rows = sql.executeQuery("SELECT account_id, request_id, debit_id, amount FROM debits")) {
          while (rows.next()) {
            debits.add(new DebitRow(new Key(rows.getString(1), rows.getString(2)), rows.getString(3),
                rows.getLong(4)));
          }
        }
        try (ResultSet rows = sql.executeQuery(
            "SELECT account_id, sum(amount) FROM ledger_entries WHERE asset = 'TOKEN' GROUP BY account_id")) {
          while (rows.next()) {
            ledgerSums.put(rows.getString(1), rows.getLong(2));
          }
        }
        invariant = LedgerInvariant.violations(db);
      }
      List<Ack> acks = acknowledged.stream().map(Acknowledged::ack).toList();
      problems.addAll(LedgerCheck.check(clients.requested.values(), acks, entries, debits));
      problems.addAll(LedgerCheck.balances(acks, answered, ledgerSums));
      problems.addAll(invariant);

      // 7. The figures.
      long grants = acks.stream().filter(a -> a.kind() == Kind.GRANT).count();
      long debitCount = acks.size() - grants;
      long retried = acknowledged.stream().filter(a -> a.attempts() > 1).count();
      long inFlight = acknowledged.stream().filter(a -> a.firstSent() < killedAt && a.answered() > killedAt).count();
      Optional<Acknowledged> firstAfter = acknowledged.stream()
          .filter(a -> a.lastSent() > killedAt)
          .min(Comparator.comparingLong(Acknowledged::answered));
      Optional<Long> firstFailure = clients.failures.stream()
          .map(RetryingClients.Failure::failed).filter(t -> t > killedAt).min(Long::compare);
      long lost = problems.stream().filter(p -> p.startsWith("LOST")).count();
      Map<String, Long> codes = clients.failureCodes().entrySet().stream()
          .collect(Collectors.toMap(e -> e.getKey().name(), Map.Entry::getValue));
      System.out.printf(Locale.ROOT,
          "%n[failover] replication %s; %d Obol instances, %d debit threads + 1 grant thread, %d accounts%n"
              + "[failover] acknowledged: %d writes (%d debits, %d grants); in flight at the kill: %d; "
              + "retried: %d writes (%d failed attempts: %s); gave up: %d; denied: %d; replayed: %d; lost: %d%n"
              + "[failover] kill -> first failed call %s s; kill -> promote asked %.2f s, promote took %.2f s; "
              + "kill -> first write acknowledged that was sent after the kill: %s s (promotion done -> it: %s s)%n"
              + "[failover] %d debits acknowledged after the promotion; load %.1f s; test %.1f s (Obol ready "
              + "after %.1f s)%n"
              + "[failover] entries %d, debits %d, invariant violations %d, problems %d%n",
          replication, OBOL_INSTANCES, DEBIT_THREADS, ACCOUNTS,
          acks.size(), debitCount, grants, inFlight,
          retried, clients.failures.size(), codes, clients.gaveUp.sum(), clients.denied.sum(), replayed.size(), lost,
          firstFailure.map(t -> String.format(Locale.ROOT, "%.2f", seconds(t - killedAt))).orElse("none"),
          seconds(promoteAsked - killedAt), seconds(promotedAt - promoteAsked),
          firstAfter.map(a -> String.format(Locale.ROOT, "%.2f", seconds(a.answered() - killedAt))).orElse("never"),
          firstAfter.map(a -> String.format(Locale.ROOT, "%.2f", seconds(a.answered() - promotedAt)))
              .orElse("never"),
          clients.debitsSentAfter(promotedAt), seconds(loadStopped - obolReady), seconds(System.nanoTime() - testStarted),
          seconds(obolReady - testStarted),
          entries.size(), debits.size(), invariant.size(), problems.size());
      problems.forEach(p -> System.out.println("[failover] PROBLEM " + p));

      assertThat(clients.gaveUp.sum()).as("writes never acknowledged within 60 s of retries").isZero();
      assertThat(clients.denied.sum()).as("debits denied (the accounts hold plenty)").isZero();
      assertThat(inFlight).as("writes in flight when the primary died").isPositive();
      assertThat(firstAfter).as("a write sent after the kill was acknowledged").isPresent();
      assertThat(firstAfter.get().answered()).as("no write sent after the kill is acknowledged before a promotion")
          .isGreaterThan(promoteAsked);
      assertThat(problems).as("the ledger after the failover").isEmpty();
      passed = true;
    } finally {
      for (ObolProcess obol : obols) {
        if (!passed) {
          System.out.println("[failover] " + obol.name + " log tail:\n" + obol.logTail(80));
        }
        obol.close();
      }
      keepLogs(obols, primary, standby);
      if (!passed) {
        System.out.println("[failover] primary log tail:\n" + primary.logTail(40));
        System.out.println("[failover] standby log tail:\n" + standby.logTail(40));
      }
      standby.stopQuietly();
      primary.stopQuietly();
      if (passed) {
        deleteRecursively(work);
      } else {
        System.out.println("[failover] kept for a look: " + work);
      }
    }
  }

  /** Copies the servers' logs to {@code obol.faults.logs} (target/failover-logs), passed or not. */
  private static void keepLogs(List<ObolProcess> obols, PostgresNode... nodes) throws IOException {
    String where = System.getProperty("obol.faults.logs");
    if (where == null) {
      return;
    }
    Path logs = Path.of(where);
    Files.createDirectories(logs);
    for (ObolProcess obol : obols) {
      if (Files.exists(obol.log)) {
        Files.copy(obol.log, logs.resolve(obol.name + ".log"), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    for (PostgresNode node : nodes) {
      if (Files.exists(node.log)) {
        Files.copy(node.log, logs.resolve("postgres-" + node.name + ".log"), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }


  private static void awaitReplication(PostgresNode primary, String state) throws Exception {
    awaitUntil(() -> replicationState(primary).equals(STANDBY_NAME + "=" + state), 60,
        STANDBY_NAME + " streaming, " + state);
  }

  private static String replicationState(PostgresNode primary) {
    try (Connection db = primary.connect(); Statement sql = db.createStatement();
         ResultSet rows = sql.executeQuery(
             "SELECT application_name, state, sync_state FROM pg_stat_replication")) {
      List<String> standbys = new ArrayList<>();
      while (rows.next()) {
        if ("streaming".equals(rows.getString(2))) {
          standbys.add(rows.getString(1) + "=" + rows.getString(3));
        }
      }
      return String.join(",", standbys);
    } catch (SQLException e) {
      return "unreachable: " + e.getMessage();
    }
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void awaitUntil(Condition condition, long timeoutSeconds, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        fail("timed out after " + timeoutSeconds + " s waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
