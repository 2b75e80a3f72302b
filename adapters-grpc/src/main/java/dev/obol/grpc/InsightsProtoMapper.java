package dev.obol.grpc;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.AccountStatus;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.UsageGrouping;
import dev.obol.domain.payment.PaymentKind;
import dev.obol.domain.usecase.AccountListQuery;
import dev.obol.domain.usecase.AccountPage;
import dev.obol.domain.usecase.SalesQuery;
import dev.obol.domain.usecase.SalesSummary;
import dev.obol.domain.usecase.UsageQuery;
import dev.obol.domain.usecase.UsageSummary;
import dev.obol.proto.v1.AccountSummary;
import dev.obol.proto.v1.FeatureSales;
import dev.obol.proto.v1.GetSalesSummaryRequest;
import dev.obol.proto.v1.GetSalesSummaryResponse;
import dev.obol.proto.v1.GetUsageSummaryRequest;
import dev.obol.proto.v1.GetUsageSummaryResponse;
import dev.obol.proto.v1.GrantedAmount;
import dev.obol.proto.v1.ListAccountsRequest;
import dev.obol.proto.v1.KindRevenue;
import dev.obol.proto.v1.ListAccountsResponse;
import dev.obol.proto.v1.PackSales;
import dev.obol.proto.v1.SalesPeriod;
import dev.obol.proto.v1.UsageRow;
import dev.obol.proto.v1.UsageTotals;
import java.time.Instant;

/** Between GetUsageSummary / ListAccounts and the domain's queries and results. */
public final class InsightsProtoMapper {

  private InsightsProtoMapper() {}

  // ---- GetSalesSummary -------------------------------------------------------------------------------------------

  public static SalesQuery salesQuery(GetSalesSummaryRequest request) {
    Instant from = request.hasFrom() ? WalletProtoMapper.instant(request.getFrom(), "from") : null;
    Instant to = request.hasTo() ? WalletProtoMapper.instant(request.getTo(), "to") : null;
    UsageGrouping grouping =
        switch (request.getGroupByValue()) {
          case 0 -> null;
          case GetSalesSummaryRequest.GroupBy.GROUP_BY_DAY_VALUE -> UsageGrouping.DAY;
          case GetSalesSummaryRequest.GroupBy.GROUP_BY_MONTH_VALUE -> UsageGrouping.MONTH;
          default ->
              throw GrpcErrors.invalid(
                  "group_by", "UNKNOWN_ENUM_VALUE", "group_by " + request.getGroupByValue() + " is not a known grouping");
        };
    return new SalesQuery(from, to, grouping);
  }

  public static GetSalesSummaryResponse salesResponse(SalesSummary summary) {
    GetSalesSummaryResponse.Builder response = GetSalesSummaryResponse.newBuilder();
    summary.periods().forEach(period -> response.addPeriods(salesPeriod(period)));
    return response.setTotals(salesPeriod(summary.totals())).build();
  }

  private static SalesPeriod salesPeriod(SalesSummary.Period period) {
    SalesPeriod.Builder proto =
        SalesPeriod.newBuilder()
            .setKey(period.key())
            .setTopUpCount(period.topUpCount())
            .setNewSubscriptions(period.newSubscriptions())
            .setRenewedSubscriptions(period.renewedSubscriptions())
            .setRevenueAmount(period.revenueCents())
            .setPaymentCount(period.paymentCount())
            .setAverageBasketAmount(period.averageBasketCents())
            .setRefundCount(period.refundCount())
            .setRefundedAmount(period.refundedCents())
            .setDisputeCount(period.disputeCount())
            .setDisputedAmount(period.disputedCents())
            .setActiveSubscribers(period.activeSubscribers())
            .setPayingAccounts(period.payingAccounts());
    for (SalesSummary.PackSales pack : period.packs()) {
      proto.addPacks(
          PackSales.newBuilder().setPack(pack.pack()).setCount(pack.count()).setRevenueAmount(pack.revenueCents()));
    }
    for (PaymentKind kind : PaymentKind.values()) {
      Long cents = period.revenue().get(kind);
      if (cents != null) {
        proto.addRevenue(KindRevenue.newBuilder().setKind(paymentKind(kind)).setAmount(cents));
      }
    }
    for (SalesSummary.FeatureSales feature : period.topFeatures()) {
      proto.addTopFeatures(
          FeatureSales.newBuilder()
              .setFeature(feature.feature())
              .setDebitCount(feature.debitCount())
              .setDebited(feature.debited()));
    }
    return proto.build();
  }

  static dev.obol.proto.v1.PaymentKind paymentKind(PaymentKind kind) {
    return switch (kind) {
      case TOKEN_PACK -> dev.obol.proto.v1.PaymentKind.PAYMENT_KIND_TOKEN_PACK;
      case TOP_UP -> dev.obol.proto.v1.PaymentKind.PAYMENT_KIND_TOP_UP;
      case SUBSCRIPTION_INVOICE -> dev.obol.proto.v1.PaymentKind.PAYMENT_KIND_SUBSCRIPTION;
    };
  }

  // ---- GetUsageSummary -------------------------------------------------------------------------------------------

  /** Fields checked in the order a caller reads them; UsageQuery says what is missing or out of range. */
  public static UsageQuery usageQuery(GetUsageSummaryRequest request) {
    AccountId accountId = AccountId.of(request.getAccountId());
    Asset asset = WalletProtoMapper.requiredAsset(request.getAssetValue());
    Instant from = request.hasFrom() ? WalletProtoMapper.instant(request.getFrom(), "from") : null;
    Instant to = request.hasTo() ? WalletProtoMapper.instant(request.getTo(), "to") : null;
    return new UsageQuery(accountId, asset, from, to, grouping(request.getGroupByValue()));
  }

  /** UNSPECIFIED (0) is "not given" (refused by UsageQuery as MISSING_FIELD). */
  static UsageGrouping grouping(int value) {
    return switch (value) {
      case 0 -> null;
      case GetUsageSummaryRequest.GroupBy.GROUP_BY_FEATURE_VALUE -> UsageGrouping.FEATURE;
      case GetUsageSummaryRequest.GroupBy.GROUP_BY_DAY_VALUE -> UsageGrouping.DAY;
      case GetUsageSummaryRequest.GroupBy.GROUP_BY_MONTH_VALUE -> UsageGrouping.MONTH;
      default ->
          throw GrpcErrors.invalid("group_by", "UNKNOWN_ENUM_VALUE", "group_by " + value + " is not a known grouping");
    };
  }

  public static GetUsageSummaryResponse usageResponse(UsageSummary summary) {
    GetUsageSummaryResponse.Builder response = GetUsageSummaryResponse.newBuilder();
    for (UsageSummary.Row row : summary.rows()) {
      response.addRows(
          UsageRow.newBuilder()
              .setKey(row.key())
              .setDebitCount(row.debitCount())
              .setDebited(row.debited())
              .setReversed(row.reversed()));
    }
    UsageSummary.Totals totals = summary.totals();
    UsageTotals.Builder out =
        UsageTotals.newBuilder()
            .setDebited(totals.debited())
            .setReversed(totals.reversed())
            .setExpired(totals.expired())
            .setClawedBack(totals.clawedBack())
            .setHeld(totals.held())
            .setFees(totals.fees());
    totals.granted().forEach(
        (source, amount) ->
            out.addGranted(GrantedAmount.newBuilder().setSource(WalletProtoMapper.source(source)).setAmount(amount)));
    return response.setTotals(out).build();
  }

  // ---- ListAccounts ----------------------------------------------------------------------------------------------

  public static AccountListQuery accountListQuery(ListAccountsRequest request) {
    return new AccountListQuery(
        status(request.getStatusValue()),
        request.hasMonthsRemainingBelow() ? request.getMonthsRemainingBelow() : null,
        request.hasLowBalance() ? request.getLowBalance() : null,
        request.getPageSize(),
        request.getPageToken());
  }

  /** UNSPECIFIED (0): any status. */
  static AccountStatus status(int value) {
    return switch (value) {
      case 0 -> null;
      case dev.obol.proto.v1.AccountStatus.ACCOUNT_STATUS_ACTIVE_VALUE -> AccountStatus.ACTIVE;
      case dev.obol.proto.v1.AccountStatus.ACCOUNT_STATUS_INSUFFICIENT_FUNDS_VALUE -> AccountStatus.INSUFFICIENT_FUNDS;
      case dev.obol.proto.v1.AccountStatus.ACCOUNT_STATUS_SUSPENDED_VALUE -> AccountStatus.SUSPENDED;
      default -> throw GrpcErrors.invalid("status", "UNKNOWN_ENUM_VALUE", "status " + value + " is not a known status");
    };
  }

  public static ListAccountsResponse accountsResponse(AccountPage page) {
    ListAccountsResponse.Builder response = ListAccountsResponse.newBuilder().setNextPageToken(page.nextPageToken());
    for (AccountPage.Listed listed : page.accounts()) {
      response.addAccounts(
          AccountSummary.newBuilder()
              .setAccountId(listed.accountId().value())
              .setStanding(StandingProtoMapper.standingResponse(listed.standing()))
              .setTokenBalance(listed.tokenBalance())
              .setLowBalance(listed.lowBalance()));
    }
    return response.build();
  }
}
