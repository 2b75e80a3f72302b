package dev.obol.grpc;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.usecase.HoldUseCases;
import dev.obol.domain.usecase.UsageUseCases;
import dev.obol.domain.usecase.WalletUseCases;
import dev.obol.proto.v1.CaptureReservationRequest;
import dev.obol.proto.v1.CaptureReservationResponse;
import dev.obol.proto.v1.CheckAndDebitRequest;
import dev.obol.proto.v1.CheckAndDebitResponse;
import dev.obol.proto.v1.CheckRequest;
import dev.obol.proto.v1.CheckResponse;
import dev.obol.proto.v1.GetBalanceRequest;
import dev.obol.proto.v1.GetBalanceResponse;
import dev.obol.proto.v1.GetUsageSummaryRequest;
import dev.obol.proto.v1.GetUsageSummaryResponse;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.GrantResponse;
import dev.obol.proto.v1.ListFeaturesRequest;
import dev.obol.proto.v1.ListFeaturesResponse;
import dev.obol.proto.v1.ListLedgerEntriesRequest;
import dev.obol.proto.v1.ListLedgerEntriesResponse;
import dev.obol.proto.v1.ReleaseReservationRequest;
import dev.obol.proto.v1.ReleaseReservationResponse;
import dev.obol.proto.v1.ReserveRequest;
import dev.obol.proto.v1.ReserveResponse;
import dev.obol.proto.v1.ReverseDebitRequest;
import dev.obol.proto.v1.ReverseDebitResponse;
import dev.obol.proto.v1.WalletServiceGrpc;
import io.grpc.stub.StreamObserver;

/** obol.v1.WalletService: maps, delegates to the use cases, maps back. No logic of its own. */
public final class WalletGrpcEndpoint extends WalletServiceGrpc.WalletServiceImplBase {

  private final WalletUseCases wallets;
  private final UsageUseCases usage;
  private final HoldUseCases holds;

  /** Without usage reports and holds: those RPCs answer UNIMPLEMENTED (tests of the other RPCs). */
  public WalletGrpcEndpoint(WalletUseCases wallets) {
    this(wallets, null, null);
  }

  public WalletGrpcEndpoint(WalletUseCases wallets, UsageUseCases usage, HoldUseCases holds) {
    this.wallets = wallets;
    this.usage = usage;
    this.holds = holds;
  }

  @Override
  public void reserve(ReserveRequest request, StreamObserver<ReserveResponse> responses) {
    if (holds == null) {
      super.reserve(request, responses);
      return;
    }
    GrpcErrors.unary(
        request.getRequestId(),
        responses,
        () -> HoldProtoMapper.reserveResponse(holds.reserve(HoldProtoMapper.reserveCommand(request))));
  }

  @Override
  public void captureReservation(
      CaptureReservationRequest request, StreamObserver<CaptureReservationResponse> responses) {
    if (holds == null) {
      super.captureReservation(request, responses);
      return;
    }
    GrpcErrors.unary(
        request.getRequestId(),
        responses,
        () -> HoldProtoMapper.captureResponse(holds.capture(HoldProtoMapper.captureCommand(request))));
  }

  @Override
  public void releaseReservation(
      ReleaseReservationRequest request, StreamObserver<ReleaseReservationResponse> responses) {
    if (holds == null) {
      super.releaseReservation(request, responses);
      return;
    }
    GrpcErrors.unary(
        request.getRequestId(),
        responses,
        () -> HoldProtoMapper.releaseResponse(holds.release(HoldProtoMapper.releaseCommand(request))));
  }

  @Override
  public void checkAndDebit(CheckAndDebitRequest request, StreamObserver<CheckAndDebitResponse> responses) {
    GrpcErrors.unary(
        request.getRequestId(),
        responses,
        () -> WalletProtoMapper.debitResponse(wallets.checkAndDebit(WalletProtoMapper.debitCommand(request))));
  }

  @Override
  public void check(CheckRequest request, StreamObserver<CheckResponse> responses) {
    GrpcErrors.unary(
        request.getRequestId(),
        responses,
        () -> WalletProtoMapper.checkResponse(wallets.check(WalletProtoMapper.checkQuery(request))));
  }

  @Override
  public void grant(GrantRequest request, StreamObserver<GrantResponse> responses) {
    GrpcErrors.unary(
        request.getRequestId(),
        responses,
        () -> WalletProtoMapper.grantResponse(wallets.grant(WalletProtoMapper.grantCommand(request))));
  }

  @Override
  public void reverseDebit(ReverseDebitRequest request, StreamObserver<ReverseDebitResponse> responses) {
    GrpcErrors.unary(
        request.getRequestId(),
        responses,
        () -> WalletProtoMapper.reverseResponse(wallets.reverseDebit(WalletProtoMapper.reverseCommand(request))));
  }

  @Override
  public void getBalance(GetBalanceRequest request, StreamObserver<GetBalanceResponse> responses) {
    GrpcErrors.unary(
        "",
        responses,
        () ->
            WalletProtoMapper.balanceResponse(
                wallets.balances(
                    AccountId.of(request.getAccountId()), WalletProtoMapper.optionalAsset(request.getAssetValue()))));
  }

  @Override
  public void listLedgerEntries(
      ListLedgerEntriesRequest request, StreamObserver<ListLedgerEntriesResponse> responses) {
    GrpcErrors.unary(
        "",
        responses,
        () -> WalletProtoMapper.ledgerResponse(wallets.ledger(WalletProtoMapper.ledgerQuery(request))));
  }

  @Override
  public void listFeatures(ListFeaturesRequest request, StreamObserver<ListFeaturesResponse> responses) {
    GrpcErrors.unary("", responses, () -> WalletProtoMapper.featuresResponse(wallets.features()));
  }

  @Override
  public void getUsageSummary(GetUsageSummaryRequest request, StreamObserver<GetUsageSummaryResponse> responses) {
    if (usage == null) {
      super.getUsageSummary(request, responses);
      return;
    }
    GrpcErrors.unary(
        "",
        responses,
        () -> InsightsProtoMapper.usageResponse(usage.usageSummary(InsightsProtoMapper.usageQuery(request))));
  }
}
