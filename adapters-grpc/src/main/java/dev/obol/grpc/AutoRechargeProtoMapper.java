package dev.obol.grpc;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.usecase.AutoRechargeView;
import dev.obol.domain.usecase.SetAutoRechargeCommand;
import dev.obol.proto.v1.AutoRecharge;
import dev.obol.proto.v1.GetAutoRechargeResponse;
import dev.obol.proto.v1.SetAutoRechargeRequest;
import dev.obol.proto.v1.SetAutoRechargeResponse;

/** SetAutoRecharge and GetAutoRecharge between the wire and the domain. */
final class AutoRechargeProtoMapper {

  private AutoRechargeProtoMapper() {}

  static SetAutoRechargeCommand command(SetAutoRechargeRequest request) {
    return new SetAutoRechargeCommand(
        AccountId.of(request.getAccountId()),
        WalletProtoMapper.requiredAsset(request.getAssetValue()),
        request.getThreshold(),
        request.hasPack() ? request.getPack() : null,
        request.hasAmount() ? request.getAmount() : 0,
        request.getMonthlyLimit(),
        request.getEnabled(),
        RequestId.of(request.getRequestId()));
  }

  static SetAutoRechargeResponse setResponse(AutoRechargeView view) {
    return SetAutoRechargeResponse.newBuilder().setAutoRecharge(autoRecharge(view)).build();
  }

  static GetAutoRechargeResponse getResponse(AutoRechargeView view) {
    return GetAutoRechargeResponse.newBuilder().setAutoRecharge(autoRecharge(view)).build();
  }

  private static AutoRecharge autoRecharge(AutoRechargeView view) {
    AutoRecharge.Builder b =
        AutoRecharge.newBuilder()
            .setConfigured(view.configured())
            .setPaymentMethodSaved(view.paymentMethodSaved());
    if (!view.configured()) {
      return b.build();
    }
    b.setAsset(WalletProtoMapper.asset(view.asset()))
        .setThreshold(view.threshold())
        .setAmount(view.amountCents())
        .setGrantAmount(view.grantAmount())
        .setMonthlyLimit(view.monthlyLimit())
        .setEnabled(view.enabled())
        .setRechargesThisMonth(view.rechargesThisMonth())
        .setPendingSequence(view.pendingSequence())
        .setFailuresInRow(view.failuresInRow());
    if (view.pack() != null) {
      b.setPack(view.pack());
    }
    if (view.retryAfter() != null) {
      b.setRetryAfter(WalletProtoMapper.timestamp(view.retryAfter()));
    }
    if (view.disabledReason() != null) {
      b.setDisabledReason(view.disabledReason());
    }
    return b.build();
  }
}
