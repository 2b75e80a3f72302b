package dev.obol.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.obol.app.testing.ObolProcess;
import dev.obol.persistence.testing.EmbeddedPostgresSupport;
import dev.obol.proto.v1.Asset;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator sees on the console of a real process (the production logback.xml): OBOL_LOG_FORMAT=json gives
 * only JSON objects, a call's line with its ids; text shows the ids after the message; a wrong format stops the start
 * with one line; and the demo account is announced as seeded on the start that seeded it only.
 */
class LogOutputProcessTest {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final String SEEDED = "Demo account 'demo' seeded";
  private static final ObjectMapper JSON = new ObjectMapper();

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
  void json_then_text_on_one_data_directory_with_the_demo_seeded_once() throws Exception {
    Path dataDir = temp.resolve("data");
    String account = "logs-" + UUID.randomUUID();
    List<String> jsonLines;
    try (ObolProcess obol = ObolProcess.launch(dataDir, temp.resolve("json.log"), Map.of("OBOL_LOG_FORMAT", "json"))) {
      assertThat(obol.awaitServing(START_TIMEOUT)).as("started: %s", obol.outputLines()).isTrue();
      grant(obol, account, "json-grant-1");
      jsonLines = obol.outputLines();
    }
    List<JsonNode> objects = new ArrayList<>();
    for (String line : jsonLines) {
      JsonNode parsed = JSON.readTree(line);
      assertThat(parsed).as("a JSON object: %s", line).isNotNull();
      assertThat(parsed.isObject()).as("a JSON object: %s", line).isTrue();
      objects.add(parsed);
    }
    JsonNode activity =
        objects.stream()
            .filter(o -> "obol.activity".equals(o.path("loggerName").asText()))
            .filter(o -> o.path("formattedMessage").asText().contains("account=" + account))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no activity line for " + account + " in " + jsonLines));
    assertThat(activity.path("mdc").path("request_id").asText()).isEqualTo("json-grant-1");
    assertThat(activity.path("mdc").path("account_id").asText()).isEqualTo(account);
    assertThat(activity.path("mdc").path("key_id").asText()).isEqualTo("bootstrap");
    assertThat(activity.path("level").asText()).isEqualTo("INFO");
    assertThat(objects).as("the first start seeds the demo account").anyMatch(o -> message(o).startsWith(SEEDED));
    System.out.println("a JSON line: " + JSON.writeValueAsString(activity));

    List<String> textLines;
    try (ObolProcess restarted = ObolProcess.launch(dataDir, temp.resolve("text.log"), Map.of())) {
      assertThat(restarted.awaitServing(START_TIMEOUT)).as("restarted: %s", restarted.outputLines()).isTrue();
      grant(restarted, account, "text-grant-1");
      textLines = restarted.outputLines();
    }
    assertThat(textLines).as("the restart grants nothing, so it says nothing of seeding").noneMatch(l -> l.contains(SEEDED));
    assertThat(textLines)
        .as("a call's line ends with its ids")
        .anyMatch(l -> l.contains("obol.activity - credit purchase: account=" + account)
            && l.endsWith(" [req=text-grant-1 acct=" + account + " key=bootstrap]"));
    assertThat(textLines)
        .as("a line outside a call has no ids")
        .anyMatch(l -> l.contains("dev.obol.app.Application - Obol ready in") && !l.contains("[req="));
    assertThat(textLines).as("no logback status dump").noneMatch(l -> l.contains("|-INFO in ch.qos.logback"));
  }

  @Test
  void an_unknown_format_stops_the_start_with_one_clear_line() throws Exception {
    try (ObolProcess obol =
        ObolProcess.launch(temp.resolve("data"), temp.resolve("xml.log"), Map.of("OBOL_LOG_FORMAT", "xml"))) {
      assertThat(obol.awaitExit(Duration.ofSeconds(60))).contains(1);
      assertThat(obol.outputLines())
          .contains("Obol cannot start: OBOL_LOG_FORMAT must be text or json, not 'xml'");
    }
  }

  private static String message(JsonNode object) {
    return object.path("formattedMessage").asText();
  }

  private static void grant(ObolProcess obol, String account, String requestId) {
    obol.wallet()
        .grant(
            GrantRequest.newBuilder()
                .setAccountId(account)
                .setAsset(Asset.ASSET_TOKEN)
                .setAmount(10)
                .setSource(GrantSource.GRANT_SOURCE_PURCHASE)
                .setReason("logs")
                .setRequestId(requestId)
                .build());
  }
}
