package dev.obol.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import dev.obol.proto.v1.Asset;
import dev.obol.proto.v1.CheckAndDebitRequest;
import dev.obol.proto.v1.CheckAndDebitResponse;
import dev.obol.proto.v1.GetBalanceRequest;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantSource;
import dev.obol.proto.v1.WalletServiceGrpc;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The database goes away under a running Obol and comes back, with no restart of Obol: a real PostgreSQL from
 * Debian's binaries stopped (immediate: as a crash or a lost host looks) and started again, a real Obol process.
 *
 * <p>While it is away: every call is answered UNAVAILABLE {@code DATABASE_UNAVAILABLE} within 3 s (not after a pool's
 * 30 s, not INTERNAL); gRPC health goes NOT_SERVING within 5 s for the server and each service, and a {@code Watch}
 * streams it; {@code /health} and {@code /health/readiness} say 503 DOWN with the database component while
 * {@code /health/liveness} stays 200; the Stripe webhook answers 503. When it is back: SERVING within 5 s, a call
 * refused during the outage sent again with the same request_id succeeds once; the ledger invariant holds; the log
 * has no stack trace.
 */
class DatabaseOutageTest {

  private static final String FEATURE = "ai.generate";
  private static final long FEATURE_PRICE = 5;
  private static final long SEED_TOKENS = 1_000;
  private static final String WEBHOOK_SECRET = "whsec_outage_test_0123456789";
  private static final long ANSWER_WITHIN_MILLIS = 3_000;
  private static final long HEALTH_WITHIN_MILLIS = 5_000;
  private static final List<String> SERVICES =
      List.of("", "obol.v1.WalletService", "obol.v1.AccountService", "obol.v1.AdminService");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void whileTheDatabaseIsAwayEveryCallIsUnavailableAtOnceAndHealthSaysSoThenItAllComesBack() throws Exception {
    Path bin = PostgresNode.debianBinariesOrSkip("outage");
    Path jar = Path.of(System.getProperty("obol.jar", "../app/target/obol.jar")).toAbsolutePath().normalize();
    assertThat(jar).as("the fat jar (mvn -Pfaults builds app first)").isRegularFile();
    Path work = Files.createTempDirectory("obol-outage-");
    PostgresNode.chownToPostgres(work);
    PostgresNode database = new PostgresNode(bin, work, "db");
    ObolProcess obol = null;
    boolean passed = false;
    try {
      database.initdb("fsync = on", "max_connections = 50");
      database.start();
      String apiKey = "outage-" + UUID.randomUUID() + UUID.randomUUID();
      obol = ObolProcess.start("obol", jar, work.resolve("obol"), Map.of(
          "OBOL_DATABASE_URL", database.jdbcUrl(),
          "OBOL_DATABASE_USER", "postgres",
          "OBOL_DATABASE_POOL_SIZE", "4",
          "OBOL_BOOTSTRAP_ADMIN_KEY", apiKey,
          "OBOL_STRIPE_WEBHOOK_SECRETS", WEBHOOK_SECRET,
          "OBOL_DEMO_SEED", "false"), apiKey);
      obol.awaitReady(120);
      Channel channel = obol.channel;
      String account = "outage-" + Long.toString(System.currentTimeMillis() % 1_000_000, 36);
      wallet(channel).grant(GrantRequest.newBuilder().setAccountId(account).setAsset(Asset.ASSET_TOKEN)
          .setAmount(SEED_TOKENS).setSource(GrantSource.GRANT_SOURCE_PROMO).setReason("outage test")
          .setRequestId(account + "-seed").build());
      assertThat(wallet(channel).checkAndDebit(debit(account, "before")).getAllowed()).isTrue();
      assertThat(getJson(obol, "/health").statusCode()).isEqualTo(200);

      List<Seen> watched = new CopyOnWriteArrayList<>();
      for (String service : SERVICES) {
        HealthGrpc.newStub(obol.channel).watch(HealthCheckRequest.newBuilder().setService(service).build(),
            new StreamObserver<HealthCheckResponse>() {
              @Override public void onNext(HealthCheckResponse value) {
                watched.add(new Seen(service, value.getStatus(), System.nanoTime()));
              }
              @Override public void onError(Throwable t) {}
              @Override public void onCompleted() {}
            });
      }
      awaitUntil(() -> SERVICES.stream().allMatch(s -> last(watched, s).orElse(null) == ServingStatus.SERVING), 5_000,
          "every service SERVING before the outage: " + watched);

      // The database goes away.
      database.stopQuietly();
      long stoppedAt = System.nanoTime();

      // Every call answered UNAVAILABLE DATABASE_UNAVAILABLE, each within 3 s, from the first moment on.
      List<String> problems = new ArrayList<>();
      int refused = 0;
      CheckAndDebitRequest retried = debit(account, "during");
      while (System.nanoTime() - stoppedAt < TimeUnit.MILLISECONDS.toNanos(HEALTH_WITHIN_MILLIS + 1_000)) {
        long sent = System.nanoTime();
        try {
          wallet(channel).checkAndDebit(refused == 0 ? retried : debit(account, "during-" + refused));
          problems.add("a debit succeeded with the database stopped");
        } catch (StatusRuntimeException e) {
          long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
          if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || !"DATABASE_UNAVAILABLE".equals(reason(e))) {
            problems.add("answered " + e.getStatus().getCode() + " " + reason(e) + ": " + e.getStatus().getDescription());
          }
          if (tookMillis > ANSWER_WITHIN_MILLIS) {
            problems.add("answered after " + tookMillis + " ms");
          }
        }
        refused++;
      }
      assertThat(problems).as("answers while the database is stopped").isEmpty();
      assertThat(refused).isGreaterThan(3);
      StatusRuntimeException read = catchStatus(() -> wallet(channel).getBalance(
          GetBalanceRequest.newBuilder().setAccountId(account).build()));
      assertThat(read.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(reason(read)).isEqualTo("DATABASE_UNAVAILABLE");

      // Health says so, within 5 s of the stop.
      for (String service : SERVICES) {
        Seen down = watched.stream().filter(s -> s.service.equals(service) && s.status == ServingStatus.NOT_SERVING)
            .findFirst().orElse(null);
        assertThat(down).as("Watch(" + service + ") streamed NOT_SERVING: " + watched).isNotNull();
        assertThat(TimeUnit.NANOSECONDS.toMillis(down.at - stoppedAt)).as("NOT_SERVING after the stop, ms")
            .isLessThanOrEqualTo(HEALTH_WITHIN_MILLIS);
        assertThat(HealthGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
            .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus())
            .isEqualTo(ServingStatus.NOT_SERVING);
      }
      HttpResponse<String> health = getJson(obol, "/health");
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.body()).contains("\"database\"").contains("DOWN").doesNotContain("jdbc:");
      assertThat(getJson(obol, "/health/readiness").statusCode()).isEqualTo(503);
      assertThat(getJson(obol, "/health/liveness").statusCode()).isEqualTo(200);
      HttpResponse<String> webhook = postEvent(obol, account);
      assertThat(webhook.statusCode()).as("webhook during the outage: " + webhook.body()).isEqualTo(503);

      // The database comes back; Obol serves again by itself.
      database.start();
      long backAt = System.nanoTime();
      awaitUntil(() -> SERVICES.stream().allMatch(s -> last(watched, s).orElse(null) == ServingStatus.SERVING),
          HEALTH_WITHIN_MILLIS, "SERVING again within 5 s of the database's return: " + watched);
      long servingAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - backAt);
      assertThat(getJson(obol, "/health").statusCode()).isEqualTo(200);

      // The call refused during the outage, sent again unchanged: it succeeds, once.
      CheckAndDebitResponse first = wallet(channel).checkAndDebit(retried);
      assertThat(first.getAllowed()).isTrue();
      assertThat(wallet(channel).checkAndDebit(retried)).isEqualTo(first);
      assertThat(postEvent(obol, account).statusCode()).as("the webhook's retry").isEqualTo(200);

      try (Connection db = database.connect(); Statement sql = db.createStatement()) {
        try (ResultSet rows = sql.executeQuery("SELECT count(*) FROM debits WHERE account_id = '" + account + "'")) {
          rows.next();
          assertThat(rows.getLong(1)).as("debits stored: before and the retried one, nothing from the outage")
              .isEqualTo(2);
        }
        try (ResultSet rows = sql.executeQuery(
            "SELECT coalesce(sum(amount), 0) FROM ledger_entries WHERE account_id = '" + account + "'")) {
          rows.next();
          assertThat(rows.getLong(1)).isEqualTo(SEED_TOKENS - 2 * FEATURE_PRICE);
        }
        assertThat(LedgerInvariant.violations(db)).as("ledger invariant").isEmpty();
      }
      assertThat(obol.logCount("\tat ")).as("stack trace lines in Obol's log").isZero();
      assertThat(obol.logCount("Database unreachable")).as("one line for the outage").isEqualTo(1);
      System.out.printf("[outage] %d calls refused while the database was stopped, each UNAVAILABLE within %d ms;"
              + " NOT_SERVING after %d ms; SERVING %d ms after its return%n",
          refused, ANSWER_WITHIN_MILLIS,
          TimeUnit.NANOSECONDS.toMillis(watched.stream().filter(s -> s.status == ServingStatus.NOT_SERVING)
              .mapToLong(s -> s.at).min().orElseThrow() - stoppedAt),
          servingAfterMillis);
      passed = true;
    } finally {
      if (!passed && obol != null) {
        System.out.println("[outage] Obol's log:\n" + obol.logTail(80));
      }
      if (obol != null) {
        obol.close();
      }
      database.stopQuietly();
    }
  }

  private record Seen(String service, ServingStatus status, long at) {}

  private static Optional<ServingStatus> last(List<Seen> seen, String service) {
    ServingStatus status = null;
    for (Seen s : seen) {
      if (s.service.equals(service)) {
        status = s.status;
      }
    }
    return Optional.ofNullable(status);
  }

  private static WalletServiceGrpc.WalletServiceBlockingStub wallet(Channel channel) {
    return WalletServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static CheckAndDebitRequest debit(String account, String name) {
    return CheckAndDebitRequest.newBuilder().setAccountId(account).setFeature(FEATURE)
        .setRequestId(account + "-" + name).build();
  }

  private static String reason(StatusRuntimeException e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    if (status == null) {
      return null;
    }
    for (var detail : status.getDetailsList()) {
      if (detail.is(ErrorInfo.class)) {
        try {
          return detail.unpack(ErrorInfo.class).getReason();
        } catch (InvalidProtocolBufferException ex) {
          return null;
        }
      }
    }
    return null;
  }

  private static StatusRuntimeException catchStatus(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("the call succeeded");
  }

  private HttpResponse<String> getJson(ObolProcess obol, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + obol.httpPort + path))
        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A signed event Obol knows but that changes nothing here (a checkout of no pack of ours is still stored). */
  private HttpResponse<String> postEvent(ObolProcess obol, String account) throws Exception {
    long now = System.currentTimeMillis() / 1000;
    String payload = "{\"id\":\"evt_outage_" + account + "\",\"object\":\"event\",\"api_version\":\"2024-06-20\","
        + "\"created\":" + now + ",\"type\":\"customer.created\",\"livemode\":false,"
        + "\"data\":{\"object\":{\"id\":\"cus_outage\",\"object\":\"customer\"}}}";
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String signature = HexFormat.of().formatHex(mac.doFinal((now + "." + payload).getBytes(StandardCharsets.UTF_8)));
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + obol.httpPort + "/stripe/webhook"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .header("Stripe-Signature", "t=" + now + ",v1=" + signature)
            .POST(HttpRequest.BodyPublishers.ofString(payload)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void awaitUntil(BooleanSupplier condition, long timeoutMillis, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("not within " + timeoutMillis + " ms: " + what);
      }
      Thread.sleep(50);
    }
  }
}
