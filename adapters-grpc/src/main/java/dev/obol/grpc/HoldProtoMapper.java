package dev.obol.grpc;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Overage;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.usecase.CaptureCommand;
import dev.obol.domain.usecase.CaptureReceipt;
import dev.obol.domain.usecase.ReleaseCommand;
import dev.obol.domain.usecase.ReleaseReceipt;
import dev.obol.domain.usecase.ReserveCommand;
import dev.obol.domain.usecase.ReserveOutcome;
import dev.obol.proto.v1.CaptureReservationRequest;
import dev.obol.proto.v1.CaptureReservationResponse;
import dev.obol.proto.v1.ReleaseReservationRequest;
import dev.obol.proto.v1.ReleaseReservationResponse;
import dev.obol.proto.v1.ReserveRequest;
import dev.obol.proto.v1.ReserveResponse;

/** The hold RPCs' messages to domain commands and back. Enum values this server does not know are bad input. */
public final class HoldProtoMapper {

  private HoldProtoMapper() {}

  public static ReserveCommand reserveCommand(ReserveRequest request) {
    return new ReserveCommand(
        AccountId.of(request.getAccountId()),
        WalletProtoMapper.pricing(
            request.getFeature(), request.getQuantity(), request.getAssetValue(), request.getAmount()),
        request.getTtlSeconds(),
        RequestId.of(request.getRequestId()),
        request.getMetadataMap());
  }

  public static CaptureCommand captureCommand(CaptureReservationRequest request) {
    return new CaptureCommand(
        AccountId.of(request.getAccountId()),
        request.getReservationId(),
        request.getAmount(),
        overage(request.getOverageValue()),
        RequestId.of(request.getRequestId()));
  }

  public static ReleaseCommand releaseCommand(ReleaseReservationRequest request) {
    return new ReleaseCommand(
        AccountId.of(request.getAccountId()), request.getReservationId(), RequestId.of(request.getRequestId()));
  }

  static Overage overage(int value) {
    return switch (value) {
      case CaptureReservationRequest.Overage.OVERAGE_REJECT_VALUE -> Overage.REJECT;
      case CaptureReservationRequest.Overage.OVERAGE_CAP_VALUE -> Overage.CAP;
      case CaptureReservationRequest.Overage.OVERAGE_ALLOW_VALUE -> Overage.ALLOW;
      default ->
          throw GrpcErrors.invalid("overage", "UNKNOWN_ENUM_VALUE", "overage " + value + " is not a known overage");
    };
  }

  public static ReserveResponse reserveResponse(ReserveOutcome outcome) {
    ReserveResponse.Builder response =
        ReserveResponse.newBuilder().setBalance(outcome.balance()).setLowBalance(outcome.lowBalance());
    if (outcome instanceof ReserveOutcome.Reserved reserved) {
      return response
          .setAllowed(true)
          .setReservationId(reserved.reservationId())
          .setHeld(reserved.held())
          .setExpiresAt(WalletProtoMapper.timestamp(reserved.expiresAt()))
          .build();
    }
    ReserveOutcome.Denied denied = (ReserveOutcome.Denied) outcome;
    return response.setAllowed(false).setDenialReason(WalletProtoMapper.denialReason(denied.reason())).build();
  }

  public static CaptureReservationResponse captureResponse(CaptureReceipt receipt) {
    return CaptureReservationResponse.newBuilder()
        .setDebitId(receipt.debitId())
        .setDebited(receipt.debited())
        .setReleased(receipt.released())
        .setBalance(receipt.balance())
        .build();
  }

  public static ReleaseReservationResponse releaseResponse(ReleaseReceipt receipt) {
    return ReleaseReservationResponse.newBuilder()
        .setReleased(receipt.released())
        .setBalance(receipt.balance())
        .build();
  }
}
