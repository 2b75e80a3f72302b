package dev.obol.grpc;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.AccountStatus;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.UsageGrouping;
import dev.obol.domain.usecase.AccountListQuery;
import dev.obol.domain.usecase.AccountPage;
import dev.obol.domain.usecase.UsageQuery;
import dev.obol.domain.usecase.UsageSummary;
import dev.obol.proto.v1.AccountSummary;
import dev.obol.proto.v1.GetUsageSummaryRequest;
import dev.obol.proto.v1.GetUsageSummaryResponse;
import dev.obol.proto.v1.GrantedAmount;
import dev.obol.proto.v1.ListAccountsRequest;
import dev.obol.proto.v1.ListAccountsResponse;
import dev.obol.proto.v1.UsageRow;
import dev.obol.proto.v1.UsageTotals;
import java.time.Instant;

/** Between GetUsageSummary / ListAccounts and the domain's queries and results. */
public final class InsightsProtoMapper {

  private InsightsProtoMapper() {}

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
