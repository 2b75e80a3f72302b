package dev.obol.grpc;

import static dev.obol.domain.testing.ObolAssertions.assertInvalidArgument;
import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.domain.payment.CheckoutSession;
import dev.obol.domain.payment.Purchase;
import dev.obol.proto.v1.CreateCheckoutSessionRequest;
import org.junit.jupiter.api.Test;

/** Checkout messages: the purchase one-of to the domain's purchase, absent answers as empty strings. */
class PaymentProtoMapperTest {

  @Test
  void each_purchase_case_maps_to_its_purchase() {
    assertThat(PaymentProtoMapper.checkoutCommand(request().setPack("starter").build()).purchase())
        .isEqualTo(new Purchase.PackPurchase("starter"));
    assertThat(PaymentProtoMapper.checkoutCommand(request().setPlan("pro").build()).purchase())
        .isEqualTo(new Purchase.PlanPurchase("pro"));
    assertThat(PaymentProtoMapper.checkoutCommand(request().setTopUpAmount(2500).build()).purchase())
        .isEqualTo(new Purchase.TopUpPurchase(2500));
  }

  @Test
  void no_purchase_is_a_missing_field() {
    assertInvalidArgument(() -> PaymentProtoMapper.checkoutCommand(request().build()), "purchase", "MISSING_FIELD");
  }

  @Test
  void a_session_without_url_answers_an_empty_url() {
    assertThat(PaymentProtoMapper.checkoutResponse(new CheckoutSession("cs_1", null)).getUrl()).isEmpty();
    assertThat(PaymentProtoMapper.checkoutResponse(new CheckoutSession("cs_1", "https://pay")).getUrl())
        .isEqualTo("https://pay");
  }

  private static CreateCheckoutSessionRequest.Builder request() {
    return CreateCheckoutSessionRequest.newBuilder()
        .setAccountId("acct-1")
        .setSuccessUrl("https://example.com/ok")
        .setCancelUrl("https://example.com/cancel")
        .setRequestId("req-1");
  }
}
