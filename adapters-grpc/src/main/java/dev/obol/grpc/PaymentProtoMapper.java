package dev.obol.grpc;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.payment.CheckoutCommand;
import dev.obol.domain.payment.CheckoutSession;
import dev.obol.domain.payment.Pack;
import dev.obol.domain.payment.Plan;
import dev.obol.domain.payment.Purchase;
import dev.obol.domain.usecase.CatalogView;
import dev.obol.proto.v1.Asset;
import dev.obol.proto.v1.CreateCheckoutSessionRequest;
import dev.obol.proto.v1.CreateCheckoutSessionResponse;
import dev.obol.domain.payment.BonusRule;
import dev.obol.domain.payment.PaymentKind;
import dev.obol.proto.v1.ListCatalogResponse;

/** The catalog and checkout messages to domain values and back. */
public final class PaymentProtoMapper {

  private PaymentProtoMapper() {}

  public static CheckoutCommand checkoutCommand(CreateCheckoutSessionRequest request) {
    AccountId accountId = AccountId.of(request.getAccountId());
    Purchase purchase =
        switch (request.getPurchaseCase()) {
          case PACK -> new Purchase.PackPurchase(request.getPack());
          case PLAN -> new Purchase.PlanPurchase(request.getPlan());
          case TOP_UP_AMOUNT -> new Purchase.TopUpPurchase(request.getTopUpAmount());
          case PURCHASE_NOT_SET ->
              throw GrpcErrors.invalid(
                  "purchase", "MISSING_FIELD", "one of pack, plan or top_up_amount is required");
        };
    return new CheckoutCommand(
        accountId,
        purchase,
        request.getSuccessUrl(),
        request.getCancelUrl(),
        request.getCustomerEmail(),
        RequestId.of(request.getRequestId()));
  }

  public static CreateCheckoutSessionResponse checkoutResponse(CheckoutSession session) {
    return CreateCheckoutSessionResponse.newBuilder()
        .setSessionId(session.sessionId())
        .setUrl(session.url() == null ? "" : session.url())
        .build();
  }

  public static ListCatalogResponse catalogResponse(CatalogView catalog) {
    ListCatalogResponse.Builder response =
        ListCatalogResponse.newBuilder()
            .setTopUpMinAmount(catalog.topUpMinCents())
            .setTopUpMaxAmount(catalog.topUpMaxCents());
    for (Pack pack : catalog.packs()) {
      response.addPacks(
          dev.obol.proto.v1.Pack.newBuilder()
              .setPack(pack.name())
              .setAsset(Asset.ASSET_TOKEN)
              .setAmount(pack.tokens())
              .setPriceAmount(pack.priceCents())
              .setCurrency(pack.currency()));
    }
    for (Plan plan : catalog.plans()) {
      response.addPlans(
          dev.obol.proto.v1.Plan.newBuilder()
              .setPlan(plan.name())
              .setPriceAmount(plan.priceCents())
              .setCurrency(plan.currency())
              .setInterval(plan.interval().wireName())
              .setMonthlyTokens(plan.monthlyTokens())
              .setRolloverCap(plan.rolloverCap()));
    }
    catalog.features().forEach(feature -> response.addFeatures(WalletProtoMapper.featurePrice(feature)));
    for (BonusRule rule : catalog.bonuses()) {
      response.addBonuses(
          dev.obol.proto.v1.BonusRule.newBuilder()
              .setBonus(rule.name())
              .setAppliesTo(
                  rule.appliesTo() == PaymentKind.TOP_UP
                      ? dev.obol.proto.v1.PaymentKind.PAYMENT_KIND_TOP_UP
                      : dev.obol.proto.v1.PaymentKind.PAYMENT_KIND_TOKEN_PACK)
              .setAsset(rule.appliesTo() == PaymentKind.TOP_UP ? Asset.ASSET_EUR : Asset.ASSET_TOKEN)
              .setMinAmount(rule.minPaidCents())
              .setPercent(rule.percent())
              .setFixedAmount(rule.fixedAmount())
              .setValidForSeconds(rule.validFor() == null ? 0 : rule.validFor().toSeconds()));
    }
    return response.build();
  }
}
