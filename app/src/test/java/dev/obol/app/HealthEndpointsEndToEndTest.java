package dev.obol.app;

import static dev.obol.app.testing.GrpcAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.app.health.DatabaseWatcher;
import dev.obol.app.testing.ObolTestProperties;
import dev.obol.app.testing.ObolUnderTest;
import dev.obol.persistence.DatabaseReachability;
import dev.obol.proto.v1.CheckAndDebitRequest;
import dev.obol.proto.v1.GetBalanceRequest;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP management face on the HTTP port: health (overall, liveness, readiness) with the database component, the
 * Prometheus scrape, and nothing else; and what health says when the database is known to be unreachable. (A real
 * database stopped and started under a real process: faults/DatabaseOutageTest.)
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealthEndpointsEndToEndTest implements ObolTestProperties {

  @Inject ObolUnderTest app;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  @Order(1)
  void healthIsUpWithTheDatabaseAndSaysNothingOfTheConfiguration() throws Exception {
    HttpResponse<String> health = get("/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body())
        .contains("\"status\":\"UP\"")
        .contains("\"database\":{\"name\":\"obol\",\"status\":\"UP\"")
        .doesNotContain("jdbc:")
        .doesNotContain("password")
        .doesNotContain("compositeDiscoveryClient");
    assertThat(get("/health/readiness").statusCode()).isEqualTo(200);
    HttpResponse<String> liveness = get("/health/liveness");
    assertThat(liveness.statusCode()).isEqualTo(200);
    assertThat(liveness.body()).doesNotContain("database");
  }

  @Test
  @Order(1)
  void thePrometheusScrapeIsText() throws Exception {
    HttpResponse<String> scrape = get("/prometheus");
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
    assertThat(scrape.body()).contains("# TYPE jvm_memory_used_bytes gauge");
  }

  /** Micronaut's other management endpoints show configuration, beans, loggers (and could change them): all off. */
  @ParameterizedTest
  @ValueSource(strings = {"/env", "/beans", "/loggers", "/info", "/routes", "/metrics", "/threaddump", "/refresh",
      "/caches", "/stop"})
  @Order(1)
  void noOtherManagementEndpointIsExposed(String path) throws Exception {
    assertThat(get(path).statusCode()).as(path).isEqualTo(404);
    assertThat(post(path).statusCode()).as("POST " + path).isIn(404, 405);
  }

  @Test
  @Order(2)
  void whileTheDatabaseIsUnreachableHealthIsDownAndCallsAreUnavailableAtOnce() throws Exception {
    // The watcher would find the (running) database again within a second; this test sets the finding itself.
    app.bean(DatabaseWatcher.class).stop();
    DatabaseReachability reachability = app.bean(DatabaseReachability.class);
    reachability.unreachable(Instant.parse("2026-11-01T09:00:00Z"), "PSQLException [08001]: Connection refused");
    try {
      HttpResponse<String> health = get("/health");
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.body())
          .contains("\"status\":\"DOWN\"")
          .contains("\"since\":\"2026-11-01T09:00:00Z\"")
          .contains("Connection refused");
      assertThat(get("/health/readiness").statusCode()).isEqualTo(503);
      assertThat(get("/health/liveness").statusCode()).as("alive: a restart would not bring the database back")
          .isEqualTo(200);

      long started = System.nanoTime();
      assertError(Status.Code.UNAVAILABLE, "DATABASE_UNAVAILABLE", () -> app.wallet().checkAndDebit(
          CheckAndDebitRequest.newBuilder().setAccountId("health-a").setFeature("image").setRequestId("h1").build()));
      assertError(Status.Code.UNAVAILABLE, "DATABASE_UNAVAILABLE", () -> app.wallet().getBalance(
          GetBalanceRequest.newBuilder().setAccountId("health-a").build()));
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("refused at once, ms")
          .isLessThan(1_000);
    } finally {
      reachability.reachable();
    }
    assertThat(get("/health").statusCode()).isEqualTo(200);
  }

  @Test
  @Order(1)
  void grpcHealthAnswersForTheServerAndEachService() {
    for (String service : List.of("", "obol.v1.WalletService", "obol.v1.AccountService", "obol.v1.AdminService")) {
      assertThat(HealthGrpc.newBlockingStub(app.bareChannel()).withDeadlineAfter(5, TimeUnit.SECONDS)
              .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus())
          .as("health of '" + service + "'")
          .isEqualTo(ServingStatus.SERVING);
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + path))
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .header("Content-Type", "application/json")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
