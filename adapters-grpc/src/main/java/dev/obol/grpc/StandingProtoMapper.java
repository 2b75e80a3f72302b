package dev.obol.grpc;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.AccountStatus;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.SeatCount;
import dev.obol.domain.usecase.ChargeRunSummary;
import dev.obol.domain.usecase.MonthlyChargeCommand;
import dev.obol.domain.usecase.SeatCountReceipt;
import dev.obol.domain.usecase.SetSeatCountCommand;
import dev.obol.domain.usecase.Standing;
import dev.obol.domain.usecase.StatusChangeCommand;
import dev.obol.domain.usecase.StatusReceipt;
import dev.obol.proto.v1.GetStandingResponse;
import dev.obol.proto.v1.ReinstateAccountRequest;
import dev.obol.proto.v1.ReinstateAccountResponse;
import dev.obol.proto.v1.RunMonthlyChargesRequest;
import dev.obol.proto.v1.RunMonthlyChargesResponse;
import dev.obol.proto.v1.SetSeatCountRequest;
import dev.obol.proto.v1.SetSeatCountResponse;
import dev.obol.proto.v1.SuspendAccountRequest;
import dev.obol.proto.v1.SuspendAccountResponse;

/** Between the AccountService's per-seat and operator messages and the domain's commands and results. */
public final class StandingProtoMapper {

  private StandingProtoMapper() {}

  // ---- requests (fields validated in the order a caller reads them) ---------------------------------------------

  public static SetSeatCountCommand seatCountCommand(SetSeatCountRequest request) {
    AccountId accountId = AccountId.of(request.getAccountId());
    SeatCount seats = SeatCount.of(request.getSeatCount());
    return new SetSeatCountCommand(accountId, seats, RequestId.of(request.getRequestId()));
  }

  public static StatusChangeCommand suspendCommand(SuspendAccountRequest request) {
    AccountId accountId = AccountId.of(request.getAccountId());
    return new StatusChangeCommand(accountId, request.getReason(), RequestId.of(request.getRequestId()));
  }

  public static StatusChangeCommand reinstateCommand(ReinstateAccountRequest request) {
    AccountId accountId = AccountId.of(request.getAccountId());
    return new StatusChangeCommand(accountId, request.getReason(), RequestId.of(request.getRequestId()));
  }

  public static MonthlyChargeCommand chargeCommand(RunMonthlyChargesRequest request) {
    return new MonthlyChargeCommand(
        request.hasAsOf() ? WalletProtoMapper.instant(request.getAsOf(), "as_of") : null,
        RequestId.of(request.getRequestId()));
  }

  // ---- responses -------------------------------------------------------------------------------------------------

  public static SetSeatCountResponse seatCountResponse(SeatCountReceipt receipt) {
    return SetSeatCountResponse.newBuilder()
        .setSeatCount(receipt.seatCount())
        .setMonthlyFee(receipt.monthlyFeeCents())
        .build();
  }

  public static GetStandingResponse standingResponse(Standing standing) {
    GetStandingResponse.Builder response =
        GetStandingResponse.newBuilder()
            .setStatus(status(standing.status()))
            .setSeatCount(standing.seatCount())
            .setMonthlyFee(standing.monthlyFeeCents())
            .setBalance(standing.balanceCents())
            .setCanAffordNextMonth(standing.canAffordNextMonth())
            .setMonthsRemaining(standing.monthsRemaining())
            .setOwed(standing.owedCents())
            .setLowBalanceAlerted(standing.lowBalanceAlerted());
    if (standing.lastChargeAt() != null) {
      response.setLastChargeAt(WalletProtoMapper.timestamp(standing.lastChargeAt()));
    }
    if (standing.nextChargeAt() != null) {
      response.setNextChargeAt(WalletProtoMapper.timestamp(standing.nextChargeAt()));
    }
    return response.build();
  }

  public static SuspendAccountResponse suspendResponse(StatusReceipt receipt) {
    return SuspendAccountResponse.newBuilder().setStatus(status(receipt.status())).build();
  }

  public static ReinstateAccountResponse reinstateResponse(StatusReceipt receipt) {
    return ReinstateAccountResponse.newBuilder().setStatus(status(receipt.status())).build();
  }

  public static RunMonthlyChargesResponse chargeResponse(ChargeRunSummary summary) {
    return RunMonthlyChargesResponse.newBuilder()
        .setCharged(summary.charged())
        .setFailed(summary.failed())
        .setSkipped(summary.skipped())
        .setErrored(summary.errored())
        .addAllErroredAccountIds(summary.erroredAccountIds().stream().map(AccountId::value).toList())
        .build();
  }

  static dev.obol.proto.v1.AccountStatus status(AccountStatus status) {
    return dev.obol.proto.v1.AccountStatus.valueOf("ACCOUNT_STATUS_" + status.name());
  }
}
