package dev.obol.domain.service;

import static dev.obol.domain.testing.ObolAssertions.assertFails;
import static dev.obol.domain.testing.ObolAssertions.assertInvalidArgument;
import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.domain.error.FailedPreconditionException;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.FeatureCatalog;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.payment.BillingInterval;
import dev.obol.domain.payment.CheckoutCommand;
import dev.obol.domain.payment.CheckoutRequest;
import dev.obol.domain.payment.CheckoutSession;
import dev.obol.domain.payment.PaymentCatalog;
import dev.obol.domain.payment.Purchase;
import dev.obol.domain.port.PaymentGateway;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PaymentServiceTest {

  private final List<CheckoutRequest> sent = new ArrayList<>();
  private final PaymentGateway recording =
      request -> {
        sent.add(request);
        return new CheckoutSession("cs_" + sent.size(), "https://pay/" + sent.size());
      };
  private final PaymentService payments =
      new PaymentService(PaymentCatalog.defaults(), FeatureCatalog.defaults(), Optional.of(recording));

  @Test
  void aPackIsAOneTimePaymentWithTheMetadataTheWebhookReadsBack() {
    payments.createCheckoutSession(command(new Purchase.PackPurchase("premium"), "r1"));

    CheckoutRequest request = sent.get(0);
    assertThat(request.mode()).isEqualTo(CheckoutRequest.Mode.PAYMENT);
    assertThat(request.metadata())
        .containsEntry("kind", "token_pack")
        .containsEntry("account_id", "acct-1")
        .containsEntry("pack", "premium")
        .containsEntry("tokens", "1000");
    assertThat(request.lineItem().unitAmountCents()).isEqualTo(6999);
    assertThat(request.lineItem().recurring()).isNull();
    assertThat(request.idempotencyKey()).isEqualTo("acct-1:r1");
  }

  @Test
  void aPlanIsASubscriptionBilledPerItsInterval() {
    payments.createCheckoutSession(command(new Purchase.PlanPurchase("yearly"), "r1"));

    CheckoutRequest request = sent.get(0);
    assertThat(request.mode()).isEqualTo(CheckoutRequest.Mode.SUBSCRIPTION);
    assertThat(request.lineItem().recurring()).isEqualTo(BillingInterval.YEAR);
    assertThat(request.lineItem().unitAmountCents()).isEqualTo(9900);
    assertThat(request.metadata()).containsEntry("plan", "yearly").containsEntry("monthly_tokens", "3000");
  }

  @Test
  void topUpsAreBoundedByTheCatalog() {
    assertInvalidArgument(
        () -> payments.createCheckoutSession(command(new Purchase.TopUpPurchase(1999), "r1")),
        "top_up_amount",
        "TOP_UP_TOO_SMALL");
    assertInvalidArgument(
        () -> payments.createCheckoutSession(command(new Purchase.TopUpPurchase(100_001), "r1")),
        "top_up_amount",
        "TOP_UP_TOO_LARGE");
    payments.createCheckoutSession(command(new Purchase.TopUpPurchase(2000), "r1"));
    assertThat(sent).singleElement().extracting(r -> r.lineItem().unitAmountCents()).isEqualTo(2000L);
  }

  @Test
  void unknownPacksAndPlansAreInvalidArguments() {
    assertInvalidArgument(
        () -> payments.createCheckoutSession(command(new Purchase.PackPurchase("gold"), "r1")), "pack", "UNKNOWN_PACK");
    assertInvalidArgument(
        () -> payments.createCheckoutSession(command(new Purchase.PlanPurchase("daily"), "r1")), "plan", "UNKNOWN_PLAN");
    assertThat(sent).isEmpty();
  }

  @Test
  void withoutAGatewayCheckoutFailsWithAClearReason() {
    PaymentService unconfigured = new PaymentService(PaymentCatalog.defaults(), FeatureCatalog.defaults(), Optional.empty());
    assertFails(
        () -> unconfigured.createCheckoutSession(command(new Purchase.PackPurchase("basic"), "r1")),
        FailedPreconditionException.class,
        "PAYMENTS_NOT_CONFIGURED");
    assertThat(unconfigured.catalog().packs()).hasSize(7);
  }

  @Test
  void idempotencyKeysAreScopedByAccountAndFitStripesLimit() {
    assertThat(PaymentService.idempotencyKey("a", "r")).isEqualTo("a:r");
    String key = PaymentService.idempotencyKey("a".repeat(128), "r".repeat(128));
    assertThat(key).startsWith("sha256:").hasSize(7 + 64);
    assertThat(PaymentService.idempotencyKey("b".repeat(128), "r".repeat(128))).isNotEqualTo(key);
  }

  private static CheckoutCommand command(Purchase purchase, String requestId) {
    return new CheckoutCommand(
        AccountId.of("acct-1"), purchase, "https://ok", "https://cancel", null, RequestId.of(requestId));
  }
}
