package dev.obol.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.app.lifecycle.StartupSummary;
import dev.obol.app.testing.ObolTestApp;
import dev.obol.persistence.testing.TestDatabase;
import io.micronaut.grpc.server.GrpcEmbeddedServer;
import io.micronaut.runtime.server.EmbeddedServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The two start lines (LifecycleProcessTest reads them from a real process): what is configured, never a secret. */
class StartupSummaryTest {

  private static final String STRIPE_KEY = "sk_test_summary_secret_0001";
  private static final String WEBHOOK_SECRET_A = "whsec_summary_secret_a";
  private static final String WEBHOOK_SECRET_B = "whsec_summary_secret_b";
  private static final String NOTIFY_SECRET = "notify_summary_secret_0003";

  @Test
  void the_configuration_line_says_what_is_set_by_counts_and_yes_or_no_and_names_no_secret() {
    try (ObolTestApp app =
        ObolTestApp.start(
            Map.of(
                "obol.stripe.secret-key", STRIPE_KEY,
                "obol.stripe.webhook-secrets", WEBHOOK_SECRET_A + "," + WEBHOOK_SECRET_B,
                "obol.notify.urls", "http://127.0.0.1:9/obol-events",
                "obol.notify.secret", NOTIFY_SECRET,
                "obol.shutdown.grace-seconds", "7"))) {
      String line = app.bean(StartupSummary.class).configuration();

      assertThat(line)
          .contains("gRPC :" + app.bean(GrpcEmbeddedServer.class).getPort() + " (plaintext)")
          .contains("HTTP :" + app.bean(EmbeddedServer.class).getPort())
          .contains("database PostgreSQL at 127.0.0.1:")
          .contains("catalogue 8 features (others 30 tokens)")
          .contains("Stripe API key set")
          .contains("Stripe webhook secrets 2")
          .contains("notifications 1 URL(s), signed")
          .contains("gRPC TLS off")
          .contains("bootstrap admin key set")
          .contains("shutdown grace 7 s");
      assertThat(line)
          .doesNotContain(STRIPE_KEY)
          .doesNotContain(WEBHOOK_SECRET_A)
          .doesNotContain(WEBHOOK_SECRET_B)
          .doesNotContain(NOTIFY_SECRET)
          .doesNotContain(ObolTestApp.ADMIN_KEY);
      if (!TestDatabase.get().password().isEmpty()) {
        assertThat(line).doesNotContain(TestDatabase.get().password());
      }
    }
  }

  @Test
  void the_ready_line_says_what_is_at_each_port() {
    try (ObolTestApp app = ObolTestApp.start(Map.of())) {
      String line = app.bean(StartupSummary.class).ready(Duration.ofMillis(1234));

      assertThat(line)
          .startsWith("Obol ready in 1234 ms: ")
          .contains(
              "gRPC API on :"
                  + app.bean(GrpcEmbeddedServer.class).getPort()
                  + " (obol.v1 WalletService, AccountService, AdminService; health; reflection)")
          .contains("HTTP on :" + app.bean(EmbeddedServer.class).getPort() + ": Stripe webhook (POST /stripe/webhook),"
              + " health (GET /health, /health/liveness, /health/readiness), metrics (GET /prometheus),"
              + " Connect (HTTP/JSON) (POST /obol.v1.<Service>/<Method>),"
              + " customer portal (GET /portal, /portal/portal.css, /portal/portal.js),"
              + " operator console (GET /console, /console/charts.js, /console/console.css, /console/console.js)")
          .doesNotContain("http://");
    }
  }
}
