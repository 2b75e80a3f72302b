package dev.obol.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.obol.app.testing.ObolTestApp;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.port.LedgerAudit;
import dev.obol.domain.service.NotificationRelay;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.grpc.WalletProtoMapper;
import dev.obol.persistence.PostgresOutbox;
import dev.obol.proto.v1.Asset;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantSource;
import dev.obol.proto.v1.ReinstateAccountRequest;
import dev.obol.proto.v1.RunMonthlyChargesRequest;
import dev.obol.proto.v1.SetSeatCountRequest;
import dev.obol.proto.v1.SuspendAccountRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Notifications from the outbox to a real HTTP receiver on 127.0.0.1, signed, retried after failures, and kept across
 * a restart. The relay is driven by the test (its schedule is an hour), so nothing here waits for time to pass. The
 * app is an {@link ObolTestApp}, not an injected one: the restart stops and starts the very app the other tests use,
 * which a {@code @MicronautTest} context cannot do, and a second app for that one test would double the start-ups.
 */
class NotificationDeliveryEndToEndTest {

  static final String SECRET = "whsec_test_" + UUID.randomUUID();
  static final ObjectMapper JSON = new ObjectMapper();

  private static HttpServer receiver;
  private static final List<Received> received = new CopyOnWriteArrayList<>();
  /** Answer 500 to this many requests, then 200. */
  private static final AtomicInteger failuresLeft = new AtomicInteger();
  private static ObolTestApp app;

  @RegisterExtension
  final LedgerInvariantExtension ledgerInvariant =
      LedgerInvariantExtension.over(() -> app.bean(LedgerAudit.class), () -> app.clock.instant());

  private String account;
  private int requests;

  record Received(String signature, String eventId, String body, int answered) {}

  @BeforeAll
  static void start() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hooks",
        exchange -> {
          String body;
          try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          }
          int status = failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 500 : 200;
          received.add(
              new Received(
                  exchange.getRequestHeaders().getFirst("Obol-Signature"),
                  exchange.getRequestHeaders().getFirst("Obol-Event-Id"),
                  body,
                  status));
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    receiver.start();
    app =
        ObolTestApp.start(
            Map.of(
                "obol.notify.urls", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks",
                "obol.notify.secret", SECRET,
                "obol.notify.poll-interval", "1h",
                "obol.seat-fee.charge-enabled", false));
  }

  @AfterAll
  static void stop() {
    app.close();
    receiver.stop(0);
  }

  @BeforeEach
  void fresh() {
    account = "notified-" + UUID.randomUUID();
    app.clock.set(Instant.parse("2027-09-01T00:00:10Z"));
    failuresLeft.set(0);
    relay().deliverDue(); // whatever earlier tests left
    received.clear();
  }

  @Test
  void everyKindOfEventIsDeliveredSignedAsJson() throws Exception {
    grantEur(300);
    app.accounts()
        .setSeatCount(
            SetSeatCountRequest.newBuilder().setAccountId(account).setSeatCount(1).setRequestId("seats").build());
    app.accounts()
        .runMonthlyCharges(
            RunMonthlyChargesRequest.newBuilder()
                .setAsOf(WalletProtoMapper.timestamp(app.clock.instant()))
                .setRequestId("run-" + account)
                .build());
    grantEur(1000); // collects the owed 500
    app.accounts()
        .suspendAccount(
            SuspendAccountRequest.newBuilder().setAccountId(account).setReason("fraud check").setRequestId("s").build());
    app.accounts()
        .reinstateAccount(
            ReinstateAccountRequest.newBuilder().setAccountId(account).setReason("ok").setRequestId("r").build());

    relay().deliverDue();

    List<JsonNode> events = eventsOf(account);
    assertThat(events)
        .extracting(e -> e.get("type").asText())
        .containsExactly(
            "credits.granted",
            "balance.low",
            "charge.failed",
            "account.insufficient_funds",
            "credits.granted",
            "charge.succeeded",
            "account.reinstated",
            "account.suspended",
            "account.reinstated");
    for (JsonNode event : events) {
      assertThat(event.get("id").asText()).startsWith("evt_");
      assertThat(event.get("account_id").asText()).isEqualTo(account);
      assertThat(Instant.parse(event.get("created_at").asText())).isEqualTo(app.clock.instant());
      assertThat(event.get("data").isObject()).isTrue();
    }
    assertThat(events.stream().map(e -> e.get("id").asText()).distinct()).hasSize(events.size());
    JsonNode failed = events.get(2).get("data");
    assertThat(failed.get("period").asText()).isEqualTo("2027-09");
    assertThat(failed.get("fee").asLong()).isEqualTo(500);
    assertThat(failed.get("owed").asLong()).isEqualTo(500);
    assertThat(events.get(7).get("data").get("reason").asText()).isEqualTo("fraud check");
    for (Received request : received) {
      assertSignedBy(SECRET, request);
    }
    assertThat(outbox().undelivered(AccountId.of(account))).isZero();
  }

  @Test
  void aFailedDeliveryIsRetriedWithBackoffUntilTheReceiverAnswers2xx() throws Exception {
    failuresLeft.set(1);
    String eventId = grantTokensAndGetEventId();

    assertThat(relay().deliverDue()).isZero();
    assertThat(outbox().undelivered(AccountId.of(account))).isEqualTo(1);
    assertThat(relay().deliverDue()).as("not due again before its backoff").isZero();
    assertThat(received).hasSize(1);

    app.clock.advance(Duration.ofSeconds(11));
    assertThat(relay().deliverDue()).isEqualTo(1);

    assertThat(received).extracting(Received::eventId).containsExactly(eventId, eventId);
    assertThat(received).extracting(Received::answered).containsExactly(500, 200);
    assertThat(received.get(0).body()).isEqualTo(received.get(1).body());
    assertThat(outbox().undelivered(AccountId.of(account))).isZero();
    assertThat(relay().deliverDue()).as("delivered once, never again").isZero();
  }

  @Test
  void nothingIsLostAcrossARestart() throws Exception {
    failuresLeft.set(1);
    String triedBefore = grantTokensAndGetEventId();
    assertThat(relay().deliverDue()).isZero(); // answered 500
    String neverTried = grantTokensAndGetEventId();

    app.restart();
    app.clock.advance(Duration.ofMinutes(1));
    assertThat(relay().deliverDue()).isEqualTo(2);

    assertThat(received.stream().filter(r -> r.answered() == 200).map(Received::eventId))
        .containsExactlyInAnyOrder(triedBefore, neverTried);
    assertThat(outbox().undelivered(AccountId.of(account))).isZero();
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  /** What a receiver does: recompute the HMAC over the raw body and compare in constant time; check the age. */
  static void assertSignedBy(String secret, Received request) throws Exception {
    assertThat(request.signature()).matches("t=\\d+,v1=[0-9a-f]{64}");
    String[] parts = request.signature().split(",");
    long t = Long.parseLong(parts[0].substring(2));
    String v1 = parts[1].substring(3);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] expected = mac.doFinal((t + "." + request.body()).getBytes(StandardCharsets.UTF_8));
    assertThat(MessageDigest.isEqual(expected, HexFormat.of().parseHex(v1))).as("signature of %s", request).isTrue();
    assertThat(Math.abs(app.clock.instant().getEpochSecond() - t)).isLessThanOrEqualTo(300);
  }

  private String grantTokensAndGetEventId() throws Exception {
    int before = received.size();
    app.wallet()
        .grant(
            GrantRequest.newBuilder()
                .setAccountId(account)
                .setAsset(Asset.ASSET_TOKEN)
                .setAmount(10)
                .setSource(GrantSource.GRANT_SOURCE_PROMO)
                .setRequestId("g-" + ++requests)
                .build());
    assertThat(received).hasSize(before);
    // The event's id, read the way an operator would: from the outbox.
    try (var connection = app.bean(com.zaxxer.hikari.HikariDataSource.class).getConnection();
        var statement =
            connection.prepareStatement(
                "SELECT event_id FROM outbox WHERE account_id = ? ORDER BY created_at DESC, event_id DESC LIMIT 1")) {
      statement.setString(1, account);
      try (var rows = statement.executeQuery()) {
        rows.next();
        return rows.getString(1);
      }
    }
  }

  private void grantEur(long cents) {
    app.wallet()
        .grant(
            GrantRequest.newBuilder()
                .setAccountId(account)
                .setAsset(Asset.ASSET_EUR)
                .setAmount(cents)
                .setSource(GrantSource.GRANT_SOURCE_TOP_UP)
                .setRequestId("g-" + ++requests)
                .build());
  }

  private List<JsonNode> eventsOf(String accountId) throws Exception {
    List<JsonNode> events = new java.util.ArrayList<>();
    for (Received request : received) {
      JsonNode event = JSON.readTree(request.body());
      if (event.get("account_id").asText().equals(accountId) && request.answered() == 200) {
        events.add(event);
      }
    }
    return events;
  }

  private static NotificationRelay relay() {
    return app.bean(NotificationRelay.class);
  }

  private static PostgresOutbox outbox() {
    return (PostgresOutbox) app.bean(dev.obol.domain.port.Outbox.class);
  }
}
