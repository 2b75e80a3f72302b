package dev.obol.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.app.testing.ObolProcess;
import dev.obol.persistence.testing.EmbeddedPostgresSupport;
import dev.obol.proto.v1.Asset;
import dev.obol.proto.v1.CheckAndDebitRequest;
import dev.obol.proto.v1.EntryKind;
import dev.obol.proto.v1.GetBalanceRequest;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantSource;
import dev.obol.proto.v1.LedgerEntry;
import dev.obol.proto.v1.ListLedgerEntriesRequest;
import dev.obol.proto.v1.ListLedgerEntriesResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping and starting a real Obol process on the embedded default (issue 11): SIGTERM with calls in flight, kill -9
 * and a restart, and a second instance on a data directory in use. Each test runs Obol as its own JVM
 * ({@link ObolProcess}) and reads what it logged.
 */
class LifecycleProcessTest {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  /** OBOL_SHUTDOWN_GRACE_SECONDS left at its default. */
  private static final Duration GRACE = Duration.ofSeconds(10);
  private static final int CALLERS = 32;
  private static final long GRANTED = 1_000_000;

  @TempDir Path temp;

  @BeforeAll
  static void embeddedPostgresCanRun() throws Exception {
    EmbeddedPostgresSupport.assumeEmbeddedPostgresCanRun();
  }

  @AfterEach
  void stopLeftoverPostgres() throws InterruptedException {
    ObolProcess.stopLeftoverPostgres(temp.resolve("data"));
  }

  @Test
  void sigterm_with_calls_in_flight_answers_each_caller_ok_or_unavailable_and_exits_0_keeping_every_acknowledged_debit()
      throws Exception {
    Path dataDir = temp.resolve("data");
    String account = "lifecycle-" + UUID.randomUUID();
    List<ServingStatus> watched = new CopyOnWriteArrayList<>();
    Sigterm result;
    try (ObolProcess obol = ObolProcess.launch(dataDir, temp.resolve("first.log"), Map.of())) {
      assertThat(obol.awaitServing(START_TIMEOUT)).as("started: %s", obol.outputLines()).isTrue();
      grant(obol, account);
      // A health watcher (what a load balancer or a client's health check holds open) must see NOT_SERVING before
      // the server goes.
      HealthGrpc.newStub(obol.channel()).watch(HealthCheckRequest.getDefaultInstance(), collectInto(watched));

      result = sigtermUnderLoad(obol, account);

      assertThat(result.lastCalls()).as("how each caller's last call ended").hasSize(CALLERS).containsOnly(Status.Code.UNAVAILABLE);
      assertThat(result.exit()).as("exit code after SIGTERM").contains(0);
      assertThat(obol.stackTraceLines()).as("stack traces in the log").isEmpty();
      assertThat(watched).as("what the health watcher saw").containsExactly(ServingStatus.SERVING, ServingStatus.NOT_SERVING);
      List<String> stopping = stopLines(obol);
      // Nothing held the server until the grace ran out (an open health watch would have, were it not ended).
      assertThat(stopping).as("the stop's log lines").hasSize(2).noneMatch(line -> line.contains("still running"));
      System.out.printf("SIGTERM, grace %s: %s; %s%n", GRACE, result, stopping);
    }

    try (ObolProcess restarted = ObolProcess.launch(dataDir, temp.resolve("restarted.log"), Map.of())) {
      assertThat(restarted.awaitServing(START_TIMEOUT)).as("restarted: %s", restarted.outputLines()).isTrue();
      assertThat(balance(restarted, account)).isEqualTo(GRANTED - result.acknowledged().size());
      List<String> debited = debitedRequestIds(restarted, account);
      assertThat(debited).as("each acknowledged debit once").hasSameSizeAs(result.acknowledged());
      assertThat(debited).containsExactlyInAnyOrderElementsOf(result.acknowledged());
    }
  }

  /**
   * With no grace at all every call in flight outlives it: each is answered UNAVAILABLE (not CANCELLED), and the pool
   * and the database close only once the handlers returned, so nothing fails under them.
   */
  @Test
  void sigterm_with_no_grace_answers_the_calls_in_flight_unavailable_and_closes_nothing_under_their_handlers()
      throws Exception {
    Path dataDir = temp.resolve("data");
    String account = "lifecycle-" + UUID.randomUUID();
    Sigterm result;
    try (ObolProcess obol =
        ObolProcess.launch(dataDir, temp.resolve("first.log"), Map.of("OBOL_SHUTDOWN_GRACE_SECONDS", "0"))) {
      assertThat(obol.awaitServing(START_TIMEOUT)).as("started: %s", obol.outputLines()).isTrue();
      grant(obol, account);

      result = sigtermUnderLoad(obol, account);

      assertThat(result.lastCalls()).as("how each caller's last call ended").hasSize(CALLERS).containsOnly(Status.Code.UNAVAILABLE);
      assertThat(result.exit()).as("exit code after SIGTERM").contains(0);
      assertThat(obol.stackTraceLines()).as("stack traces in the log").isEmpty();
      System.out.printf("SIGTERM, grace 0: %s; %s%n", result, stopLines(obol));
    }

    try (ObolProcess restarted = ObolProcess.launch(dataDir, temp.resolve("restarted.log"), Map.of())) {
      assertThat(restarted.awaitServing(START_TIMEOUT)).as("restarted: %s", restarted.outputLines()).isTrue();
      // An ended call may have been written (its caller retries with the same request_id); an acknowledged one was.
      List<String> debited = debitedRequestIds(restarted, account);
      assertThat(debited).as("no debit twice").doesNotHaveDuplicates().containsAll(result.acknowledged());
      assertThat(balance(restarted, account)).isEqualTo(GRANTED - debited.size());
    }
  }

  /** What {@link #sigtermUnderLoad} saw. */
  private record Sigterm(
      Set<String> acknowledged, List<Status.Code> lastCalls, int okAfterSigterm, Optional<Integer> exit, long exitMillis) {
    @Override
    public String toString() {
      return CALLERS + " callers, " + acknowledged.size() + " debits acknowledged, " + okAfterSigterm
          + " OK after SIGTERM, last calls " + lastCalls.stream().distinct().toList() + ", exit " + exit.orElse(null)
          + " after " + exitMillis + " ms";
    }
  }

  /**
   * {@link #CALLERS} callers debit 1 token each in a loop; once they are all going, SIGTERM. Each caller stops at its
   * first failure, so each one's last call is the first one the stop refused (or broke).
   */
  private static Sigterm sigtermUnderLoad(ObolProcess obol, String account) throws InterruptedException {
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    List<Status.Code> lastCalls = new CopyOnWriteArrayList<>();
    AtomicInteger okAfterSigterm = new AtomicInteger();
    AtomicLong sigtermAt = new AtomicLong();
    CountDownLatch warmedUp = new CountDownLatch(CALLERS * 5);
    ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
    for (int caller = 0; caller < CALLERS; caller++) {
      int id = caller;
      callers.execute(
          () -> {
            for (int call = 0; ; call++) {
              String requestId = "c" + id + "-" + call;
              try {
                if (obol.wallet().checkAndDebit(debit(account, requestId)).getAllowed()) {
                  acknowledged.add(requestId);
                }
                if (sigtermAt.get() != 0) {
                  okAfterSigterm.incrementAndGet();
                }
                warmedUp.countDown();
              } catch (StatusRuntimeException e) {
                lastCalls.add(e.getStatus().getCode());
                return;
              }
            }
          });
    }
    assertThat(warmedUp.await(30, TimeUnit.SECONDS)).as("the callers got going").isTrue();

    long sigterm = System.nanoTime();
    sigtermAt.set(sigterm);
    obol.terminate();
    callers.shutdown();
    assertThat(callers.awaitTermination(GRACE.plusSeconds(20).toSeconds(), TimeUnit.SECONDS))
        .as("every caller got an answer")
        .isTrue();
    Optional<Integer> exit = obol.awaitExit(GRACE.plusSeconds(15));
    long exitMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm);
    return new Sigterm(acknowledged, lastCalls, okAfterSigterm.get(), exit, exitMillis);
  }

  private static List<String> stopLines(ObolProcess obol) {
    return obol.outputLines().stream().filter(line -> line.contains("ShutdownSequence")).toList();
  }

  private static List<String> debitedRequestIds(ObolProcess obol, String account) {
    return ledger(obol, account).stream()
        .filter(entry -> entry.getKind() == EntryKind.ENTRY_KIND_DEBIT)
        .map(LedgerEntry::getRequestId)
        .toList();
  }

  @Test
  void after_kill_9_the_next_start_on_the_same_data_directory_succeeds_at_once_with_the_data_intact() throws Exception {
    Path dataDir = temp.resolve("data");
    String account = "lifecycle-" + UUID.randomUUID();
    long orphan;
    try (ObolProcess obol = ObolProcess.launch(dataDir, temp.resolve("killed.log"), Map.of())) {
      assertThat(obol.awaitServing(START_TIMEOUT)).as("started: %s", obol.outputLines()).isTrue();
      grant(obol, account);
      for (int call = 0; call < 3; call++) {
        assertThat(obol.wallet().checkAndDebit(debit(account, "before-kill-" + call)).getAllowed()).isTrue();
      }
      obol.kill();
      // What kill -9 leaves: the embedded PostgreSQL, whose parent was the JVM, still running on the data directory.
      orphan =
          ObolProcess.runningPostmaster(dataDir)
              .orElseThrow(() -> new AssertionError("no orphaned postmaster after kill -9"))
              .pid();
    }

    long started = System.nanoTime();
    try (ObolProcess restarted = ObolProcess.launch(dataDir, temp.resolve("after-kill.log"), Map.of())) {
      assertThat(restarted.awaitServing(START_TIMEOUT)).as("first start after kill -9: %s", restarted.outputLines()).isTrue();
      long startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertThat(ProcessHandle.of(orphan).filter(ProcessHandle::isAlive)).as("the orphaned postmaster").isEmpty();
      assertThat(balance(restarted, account)).isEqualTo(GRANTED - 3);
      assertThat(restarted.stackTraceLines()).as("stack traces in the log").isEmpty();
      System.out.printf("start after kill -9 serving after %d ms%n", startMillis);
    }
  }

  @Test
  void a_second_instance_on_a_data_directory_in_use_stops_at_once_with_one_line_and_the_first_keeps_serving()
      throws Exception {
    Path dataDir = temp.resolve("data");
    String account = "lifecycle-" + UUID.randomUUID();
    try (ObolProcess first = ObolProcess.launch(dataDir, temp.resolve("first.log"), Map.of())) {
      assertThat(first.awaitServing(START_TIMEOUT)).as("started: %s", first.outputLines()).isTrue();
      grant(first, account);
      // What it said when it was ready: each port and what is there; not Micronaut's "Server Running: http://…".
      assertThat(first.outputLines())
          .anyMatch(line -> line.contains("Obol configuration: gRPC :" + first.grpcPort()))
          .anyMatch(line -> line.contains("gRPC API on :" + first.grpcPort())
              && line.contains("HTTP on :" + first.httpPort() + ": Stripe webhook"))
          .noneMatch(line -> line.contains("Server Running"));

      long started = System.nanoTime();
      try (ObolProcess second = ObolProcess.launch(dataDir, temp.resolve("second.log"), Map.of())) {
        Optional<Integer> exit = second.awaitExit(Duration.ofSeconds(20));
        long exitMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(exit).as("the second instance stopped").isPresent();
        assertThat(exit.get()).as("its exit code").isNotZero();
        List<String> errors = second.outputLines().stream().filter(line -> line.contains("ERROR")).toList();
        assertThat(errors).as("its error lines: %s", second.outputLines()).hasSize(1);
        assertThat(errors.get(0)).contains("OBOL_DATA_DIR").contains(dataDir.toString()).contains(String.valueOf(first.pid()));
        assertThat(second.stackTraceLines()).as("stack traces in its log").isEmpty();
        System.out.printf("second instance: exit %d after %d ms: %s%n", exit.get(), exitMillis, errors.get(0));
      }

      assertThat(balance(first, account)).as("the first instance still serves").isEqualTo(GRANTED);
      assertThat(HealthGrpc.newBlockingStub(first.channel()).check(HealthCheckRequest.getDefaultInstance()).getStatus())
          .isEqualTo(ServingStatus.SERVING);
    }
  }

  private static void grant(ObolProcess obol, String account) {
    obol.wallet()
        .grant(
            GrantRequest.newBuilder()
                .setAccountId(account)
                .setAsset(Asset.ASSET_TOKEN)
                .setAmount(GRANTED)
                .setSource(GrantSource.GRANT_SOURCE_PROMO)
                .setReason("lifecycle test")
                .setRequestId("grant-" + account)
                .build());
  }

  private static CheckAndDebitRequest debit(String account, String requestId) {
    return CheckAndDebitRequest.newBuilder()
        .setAccountId(account)
        .setAsset(Asset.ASSET_TOKEN)
        .setAmount(1)
        .setRequestId(requestId)
        .build();
  }

  private static long balance(ObolProcess obol, String account) {
    return obol.wallet().getBalance(GetBalanceRequest.newBuilder().setAccountId(account).build()).getWallets(0).getBalance();
  }

  private static List<LedgerEntry> ledger(ObolProcess obol, String account) {
    List<LedgerEntry> entries = new ArrayList<>();
    String pageToken = "";
    do {
      ListLedgerEntriesResponse page =
          obol.wallet()
              .listLedgerEntries(
                  ListLedgerEntriesRequest.newBuilder()
                      .setAccountId(account)
                      .setPageSize(500)
                      .setPageToken(pageToken)
                      .build());
      entries.addAll(page.getEntriesList());
      pageToken = page.getNextPageToken();
    } while (!pageToken.isEmpty());
    return entries;
  }

  private static StreamObserver<HealthCheckResponse> collectInto(List<ServingStatus> statuses) {
    return new StreamObserver<>() {
      @Override
      public void onNext(HealthCheckResponse response) {
        statuses.add(response.getStatus());
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
  }
}
