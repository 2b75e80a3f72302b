package dev.obol.grpc;

import static dev.obol.domain.testing.ObolAssertions.assertInvalidArgument;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.AccountStatus;
import dev.obol.domain.model.ChargePeriod;
import dev.obol.domain.usecase.ChargeRunSummary;
import dev.obol.domain.usecase.Standing;
import dev.obol.domain.usecase.StatusReceipt;
import dev.obol.proto.v1.GetStandingResponse;
import dev.obol.proto.v1.RunMonthlyChargesRequest;
import dev.obol.proto.v1.SetSeatCountRequest;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The AccountService's per-seat and operator messages: status both ways, optional times, bad input named. */
class StandingProtoMapperTest {

  static final Instant AT = Instant.parse("2026-11-01T00:00:00Z");

  @ParameterizedTest
  @EnumSource(AccountStatus.class)
  void every_account_status_has_its_wire_value(AccountStatus status) {
    assertThat(StandingProtoMapper.status(status).name()).isEqualTo("ACCOUNT_STATUS_" + status.name());
    assertThat(StandingProtoMapper.suspendResponse(new StatusReceipt(status)).getStatus())
        .isEqualTo(StandingProtoMapper.status(status));
  }

  @Test
  void a_standing_without_charges_leaves_their_times_unset() {
    GetStandingResponse never =
        StandingProtoMapper.standingResponse(
            new Standing(AccountStatus.ACTIVE, 0, 0, 500, true, 0, null, null, 0, false));
    assertThat(never.hasLastChargeAt()).isFalse();
    assertThat(never.hasNextChargeAt()).isFalse();
    assertThat(never.getBalance()).isEqualTo(500);

    GetStandingResponse charged =
        StandingProtoMapper.standingResponse(
            new Standing(AccountStatus.SUSPENDED, 3, 2700, 0, false, 0, AT, AT.plusSeconds(60), 2700, true));
    assertThat(WalletProtoMapper.instant(charged.getLastChargeAt(), "last_charge_at")).isEqualTo(AT);
    assertThat(WalletProtoMapper.instant(charged.getNextChargeAt(), "next_charge_at")).isEqualTo(AT.plusSeconds(60));
    assertThat(charged.getStatus()).isEqualTo(dev.obol.proto.v1.AccountStatus.ACCOUNT_STATUS_SUSPENDED);
    assertThat(charged.getOwed()).isEqualTo(2700);
    assertThat(charged.getLowBalanceAlerted()).isTrue();
  }

  @Test
  void a_charge_run_as_of_is_optional_and_checked() {
    assertThat(StandingProtoMapper.chargeCommand(RunMonthlyChargesRequest.newBuilder().setRequestId("r").build()).asOf())
        .isNull();
    assertThat(
            StandingProtoMapper.chargeCommand(
                    RunMonthlyChargesRequest.newBuilder()
                        .setRequestId("r")
                        .setAsOf(WalletProtoMapper.timestamp(AT))
                        .build())
                .asOf())
        .isEqualTo(AT);
    RunMonthlyChargesRequest bad =
        RunMonthlyChargesRequest.newBuilder().setRequestId("r").setAsOf(Timestamp.newBuilder().setNanos(-1)).build();
    assertInvalidArgument(() -> StandingProtoMapper.chargeCommand(bad), "as_of", "INVALID_TIMESTAMP");
  }

  @Test
  void a_charge_run_summary_lists_the_errored_accounts() {
    var response =
        StandingProtoMapper.chargeResponse(
            new ChargeRunSummary(ChargePeriod.parse("2026-11"), 2, 1, 0, 1, List.of(AccountId.of("acct-9"))));

    assertThat(response.getCharged()).isEqualTo(2);
    assertThat(response.getFailed()).isEqualTo(1);
    assertThat(response.getErrored()).isEqualTo(1);
    assertThat(response.getErroredAccountIdsList()).containsExactly("acct-9");
  }

  @Test
  void a_seat_count_request_maps_its_fields() {
    var command =
        StandingProtoMapper.seatCountCommand(
            SetSeatCountRequest.newBuilder().setAccountId("acct-1").setSeatCount(3).setRequestId("r").build());

    assertThat(command.accountId()).isEqualTo(AccountId.of("acct-1"));
    assertThat(command.seatCount().value()).isEqualTo(3);
  }
}
