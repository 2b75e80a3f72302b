package dev.obol.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obol.app.testing.ObolTestProperties;
import dev.obol.app.testing.ObolUnderTest;
import dev.obol.proto.v1.Asset;
import dev.obol.proto.v1.CheckAndDebitRequest;
import dev.obol.proto.v1.CheckAndDebitResponse;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantSource;
import dev.obol.proto.v1.ListFeaturesRequest;
import dev.obol.proto.v1.ReverseDebitRequest;
import dev.obol.proto.v1.WalletServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * GET /prometheus after real gRPC calls: issue 11's names and labels, counted once per first outcome (a replay is
 * not), unknown features as {@code other}, refusals by reason, and the RPC histogram by method and code. Counters are
 * compared before and after, so what other work the app did does not matter.
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsEndToEndTest implements ObolTestProperties {

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final String DEBIT_METHOD = "obol.v1.WalletService/CheckAndDebit";

  @Inject ObolUnderTest app;

  @Test
  void countsFirstOutcomesByBoundedLabelsAndTimesEveryCall() throws Exception {
    String account = "acct-" + UUID.randomUUID();
    WalletServiceGrpc.WalletServiceBlockingStub wallet = app.wallet();
    Scrape before = scrape();

    wallet.grant(
        GrantRequest.newBuilder()
            .setAccountId(account)
            .setAsset(Asset.ASSET_TOKEN)
            .setAmount(100)
            .setSource(GrantSource.GRANT_SOURCE_PURCHASE)
            .setReason("metrics")
            .setRequestId("g1")
            .build());
    CheckAndDebitResponse first = wallet.checkAndDebit(debit(account, "image", "d1")); // 50: 50 left
    CheckAndDebitResponse replay = wallet.checkAndDebit(debit(account, "image", "d1")); // the first answer
    assertThat(replay.getDebitId()).isEqualTo(first.getDebitId());
    assertThat(wallet.checkAndDebit(debit(account, "not-in-the-catalogue", "d2")).getAllowed()).isTrue(); // 30
    assertThat(wallet.checkAndDebit(debit(account, "image", "d3")).getAllowed()).isFalse(); // 20 < 50
    wallet.reverseDebit(
        ReverseDebitRequest.newBuilder()
            .setAccountId(account)
            .setDebitId(first.getDebitId())
            .setAmount(10)
            .setRequestId("r1")
            .build());
    assertThatThrownBy(
            () ->
                WalletServiceGrpc.newBlockingStub(app.withKey("obol_not-a-key-" + UUID.randomUUID()))
                    .listFeatures(ListFeaturesRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));

    Scrape after = scrape();

    assertThat(after.delta(before, "obol_grants_total", "asset", "token", "source", "purchase")).isEqualTo(1);
    assertThat(after.delta(before, "obol_granted_amount_total", "asset", "token", "source", "purchase"))
        .isEqualTo(100);
    assertThat(after.delta(before, "obol_debits_total", "asset", "token", "feature", "image", "outcome", "allowed"))
        .as("the replay of d1 is not counted")
        .isEqualTo(1);
    assertThat(after.delta(before, "obol_debits_total", "asset", "token", "feature", "other", "outcome", "allowed"))
        .as("a feature outside the catalogue counts as other")
        .isEqualTo(1);
    assertThat(
            after.delta(
                before, "obol_debits_total", "asset", "token", "feature", "image", "outcome", "insufficient_balance"))
        .isEqualTo(1);
    assertThat(after.series("obol_debits_total"))
        .as("no series is labelled with the raw unknown feature")
        .noneMatch(labels -> "not-in-the-catalogue".equals(labels.get("feature")));
    assertThat(after.delta(before, "obol_debited_amount_total", "asset", "token")).isEqualTo(80);
    assertThat(after.delta(before, "obol_reversals_total", "asset", "token")).isEqualTo(1);
    assertThat(after.delta(before, "obol_auth_refusals_total", "reason", "API_KEY_INVALID")).isEqualTo(1);

    // Four CheckAndDebit calls answered OK (the replay is a call too); the refused call is timed with its code.
    assertThat(after.delta(before, "obol_rpc_duration_seconds_count", "code", "OK", "method", DEBIT_METHOD))
        .isEqualTo(4);
    assertThat(
            after.delta(
                before, "obol_rpc_duration_seconds_count", "code", "UNAUTHENTICATED", "method",
                "obol.v1.WalletService/ListFeatures"))
        .isEqualTo(1);
    assertThat(after.value("obol_rpc_duration_seconds_bucket", "code", "OK", "le", "+Inf", "method", DEBIT_METHOD))
        .isGreaterThanOrEqualTo(4);
    assertThat(after.value("obol_rpc_duration_seconds_bucket", "code", "OK", "le", "0.1", "method", DEBIT_METHOD))
        .as("explicit buckets")
        .isNotNaN();

    assertThat(after.value("obol_outbox_pending")).isNotNaN().isGreaterThanOrEqualTo(0);
    assertThat(after.value("obol_outbox_oldest_pending_seconds")).isGreaterThanOrEqualTo(0);
    assertThat(after.value("obol_monthly_charges_total", "outcome", "errored")).isNotNaN();
    assertThat(after.series("jvm_memory_used_bytes")).isNotEmpty();
    assertThat(after.series("hikaricp_connections")).isNotEmpty();
  }

  private static CheckAndDebitRequest debit(String account, String feature, String requestId) {
    return CheckAndDebitRequest.newBuilder()
        .setAccountId(account)
        .setFeature(feature)
        .setRequestId(requestId)
        .build();
  }

  private Scrape scrape() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + app.httpPort() + "/prometheus")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return Scrape.parse(response.body());
  }

  /** The samples of one scrape, by metric name and label set. */
  private record Scrape(Map<String, Map<Map<String, String>, Double>> samples) {

    static Scrape parse(String text) {
      Map<String, Map<Map<String, String>, Double>> samples = new HashMap<>();
      for (String line : text.split("\n")) {
        Matcher sample = SAMPLE.matcher(line.trim());
        if (line.startsWith("#") || !sample.matches()) {
          continue;
        }
        Map<String, String> labels = new TreeMap<>();
        if (sample.group(3) != null) {
          Matcher label = LABEL.matcher(sample.group(3));
          while (label.find()) {
            labels.put(label.group(1), label.group(2));
          }
        }
        samples.computeIfAbsent(sample.group(1), n -> new HashMap<>()).put(labels, Double.parseDouble(sample.group(4)));
      }
      return new Scrape(samples);
    }

    java.util.Set<Map<String, String>> series(String name) {
      return samples.getOrDefault(name, Map.of()).keySet();
    }

    /** The sample with exactly these labels (name, value pairs); NaN when there is none. */
    double value(String name, String... labelPairs) {
      Map<String, String> labels = new TreeMap<>();
      for (int i = 0; i < labelPairs.length; i += 2) {
        labels.put(labelPairs[i], labelPairs[i + 1]);
      }
      return samples.getOrDefault(name, Map.of()).getOrDefault(labels, Double.NaN);
    }

    /** How much the sample grew since {@code before} (absent before: from 0). */
    double delta(Scrape before, String name, String... labelPairs) {
      double now = value(name, labelPairs);
      double then = before.value(name, labelPairs);
      return (Double.isNaN(now) ? 0 : now) - (Double.isNaN(then) ? 0 : then);
    }
  }
}
