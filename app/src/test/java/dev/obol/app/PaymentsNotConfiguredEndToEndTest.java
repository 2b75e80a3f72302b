package dev.obol.app;

import static dev.obol.app.testing.GrpcAssertions.assertError;
import static dev.obol.app.testing.GrpcAssertions.assertInvalidField;
import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.app.testing.ObolTestProperties;
import dev.obol.app.testing.ObolUnderTest;
import dev.obol.app.testing.StripeEvents;
import dev.obol.domain.port.LedgerAudit;
import dev.obol.domain.testing.LedgerInvariantExtension;
import dev.obol.proto.v1.Asset;
import dev.obol.proto.v1.CreateCheckoutSessionRequest;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantSource;
import dev.obol.proto.v1.ListCatalogRequest;
import dev.obol.proto.v1.ListCatalogResponse;
import dev.obol.proto.v1.Pack;
import dev.obol.proto.v1.Plan;
import io.grpc.Status;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The default configuration without any Stripe settings: the catalog and the wallet work, checkout says why not. */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PaymentsNotConfiguredEndToEndTest implements ObolTestProperties {

  @Inject ObolUnderTest app;

  @RegisterExtension
  final LedgerInvariantExtension ledgerInvariant =
      LedgerInvariantExtension.over(() -> app.bean(LedgerAudit.class), () -> app.clock.instant());


  @Test
  void listCatalogReturnsTheDefaultPacksPlansFeaturesAndTopUpBounds() {
    ListCatalogResponse catalog = app.accounts().listCatalog(ListCatalogRequest.getDefaultInstance());

    assertThat(catalog.getPacksList()).extracting(Pack::getPack, Pack::getAmount, Pack::getPriceAmount)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("basic", 100L, 999L),
            org.assertj.core.groups.Tuple.tuple("standard", 500L, 3999L),
            org.assertj.core.groups.Tuple.tuple("premium", 1000L, 6999L),
            org.assertj.core.groups.Tuple.tuple("enterprise", 5000L, 29999L),
            org.assertj.core.groups.Tuple.tuple("credits-100", 100L, 1900L),
            org.assertj.core.groups.Tuple.tuple("credits-500", 500L, 7900L),
            org.assertj.core.groups.Tuple.tuple("credits-1000", 1000L, 13900L));
    assertThat(catalog.getPacksList()).allSatisfy(pack -> {
      assertThat(pack.getAsset()).isEqualTo(Asset.ASSET_TOKEN);
      assertThat(pack.getCurrency()).isEqualTo("eur");
    });
    assertThat(catalog.getPlansList())
        .extracting(Plan::getPlan, Plan::getPriceAmount, Plan::getInterval, Plan::getMonthlyTokens, Plan::getRolloverCap)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("monthly", 990L, "month", 3000L, 0L),
            org.assertj.core.groups.Tuple.tuple("yearly", 9900L, "year", 3000L, 0L));
    assertThat(catalog.getFeaturesList()).anySatisfy(f -> {
      assertThat(f.getFeature()).isEqualTo("image");
      assertThat(f.getCost()).isEqualTo(50);
    });
    assertThat(catalog.getTopUpMinAmount()).isEqualTo(2000);
    assertThat(catalog.getTopUpMaxAmount()).isEqualTo(100000);
  }

  @Test
  void checkoutWithoutAStripeKeyIsFailedPreconditionAndTheWalletStillWorks() {
    String account = "acct-" + UUID.randomUUID();
    CreateCheckoutSessionRequest.Builder request =
        CreateCheckoutSessionRequest.newBuilder()
            .setAccountId(account)
            .setSuccessUrl("https://app.example.com/ok")
            .setCancelUrl("https://app.example.com/cancel")
            .setRequestId("c1");

    assertError(Status.Code.FAILED_PRECONDITION, "PAYMENTS_NOT_CONFIGURED",
        () -> app.accounts().createCheckoutSession(request.setPack("basic").build()));
    // Bad input is still reported as such.
    assertInvalidField("top_up_amount", "TOP_UP_TOO_SMALL",
        () -> app.accounts().createCheckoutSession(request.setTopUpAmount(100).build()));

    assertThat(
            app.wallet()
                .grant(
                    GrantRequest.newBuilder()
                        .setAccountId(account)
                        .setAsset(Asset.ASSET_TOKEN)
                        .setAmount(10)
                        .setSource(GrantSource.GRANT_SOURCE_PROMO)
                        .setRequestId("g1")
                        .build())
                .getBalance())
        .isEqualTo(10);
  }

  @Test
  void theWebhookWithoutSecretsAnswers503SoStripeKeepsTheEvent() {
    StripeEvents.Text paid = StripeEvents.fixture("checkout.session.completed.payment.json");
    String signature = StripeEvents.signature(paid.json(), "whsec_test_secret", app.clock.instant());

    assertThat(StripeEvents.post(app.httpPort(), paid.json(), signature).status()).isEqualTo(503);
  }
}
