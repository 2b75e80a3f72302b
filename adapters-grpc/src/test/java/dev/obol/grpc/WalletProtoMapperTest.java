package dev.obol.grpc;

import static dev.obol.domain.testing.ObolAssertions.assertInvalidArgument;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.Timestamp;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.DenialReason;
import dev.obol.domain.model.EntryKind;
import dev.obol.domain.model.Grant;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.model.LedgerEntry;
import dev.obol.domain.model.RecordedEntry;
import dev.obol.domain.usecase.CheckOutcome;
import dev.obol.domain.usecase.DebitOutcome;
import dev.obol.domain.usecase.GrantCommand;
import dev.obol.domain.usecase.LedgerPage;
import dev.obol.domain.usecase.WalletView;
import dev.obol.proto.v1.GrantInfo;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.ListLedgerEntriesRequest;
import io.grpc.Status;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Enums both ways, optional fields and timestamps between the WalletService messages and the domain. */
class WalletProtoMapperTest {

  static final Instant AT = Instant.parse("2026-11-01T10:00:00.123456Z");

  @ParameterizedTest
  @EnumSource(Asset.class)
  void every_asset_maps_to_the_wire_and_back(Asset asset) {
    assertThat(WalletProtoMapper.optionalAsset(WalletProtoMapper.asset(asset).getNumber())).isEqualTo(asset);
  }

  @ParameterizedTest
  @EnumSource(GrantSource.class)
  void every_grant_source_maps_to_the_wire_and_back(GrantSource source) {
    assertThat(WalletProtoMapper.source(WalletProtoMapper.source(source).getNumber())).isEqualTo(source);
  }

  @ParameterizedTest
  @EnumSource(EntryKind.class)
  void every_entry_kind_has_its_wire_value(EntryKind kind) {
    assertThat(WalletProtoMapper.kind(kind).name()).isEqualTo("ENTRY_KIND_" + kind.name());
  }

  @ParameterizedTest
  @EnumSource(DenialReason.class)
  void every_denial_reason_has_its_wire_value(DenialReason reason) {
    assertThat(WalletProtoMapper.denialReason(reason).name()).isEqualTo("DENIAL_REASON_" + reason.name());
  }

  @Test
  void every_wire_value_of_the_domain_enums_has_a_domain_value() {
    assertThat(Arrays.stream(dev.obol.proto.v1.EntryKind.values()).filter(this::known).map(Enum::name))
        .containsExactlyElementsOf(Arrays.stream(EntryKind.values()).map(k -> "ENTRY_KIND_" + k.name()).toList());
    assertThat(Arrays.stream(dev.obol.proto.v1.DenialReason.values()).filter(this::known).map(Enum::name))
        .containsExactlyElementsOf(
            Arrays.stream(DenialReason.values()).map(r -> "DENIAL_REASON_" + r.name()).toList());
  }

  @Test
  void an_unknown_enum_value_is_invalid_argument_unknown_enum_value() {
    assertInvalidArgument(() -> WalletProtoMapper.optionalAsset(99), "asset", "UNKNOWN_ENUM_VALUE");
    assertInvalidArgument(() -> WalletProtoMapper.source(99), "source", "UNKNOWN_ENUM_VALUE");
    GrantRequest request = grantRequest().setAssetValue(42).build();

    Throwable failure = catchThrowable(() -> WalletProtoMapper.grantCommand(request));

    assertThat(GrpcErrors.toStatus(failure, "r").getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void an_unspecified_enum_is_not_given_or_missing_where_required() {
    assertThat(WalletProtoMapper.optionalAsset(0)).isNull();
    assertInvalidArgument(() -> WalletProtoMapper.requiredAsset(0), "asset", "MISSING_FIELD");
    assertInvalidArgument(() -> WalletProtoMapper.source(0), "source", "MISSING_FIELD");
    assertThat(
            WalletProtoMapper.ledgerQuery(ListLedgerEntriesRequest.newBuilder().setAccountId("acct-1").build())
                .asset())
        .isNull();
  }

  @Test
  void a_grant_requests_optional_fields_are_null_when_unset_and_exact_when_set() {
    GrantCommand bare = WalletProtoMapper.grantCommand(grantRequest().build());
    assertThat(bare.priority()).isNull();
    assertThat(bare.expiresAt()).isNull();

    GrantCommand full =
        WalletProtoMapper.grantCommand(
            grantRequest().setPriority(0).setExpiresAt(WalletProtoMapper.timestamp(AT)).build());
    assertThat(full.priority()).isZero();
    assertThat(full.expiresAt()).isEqualTo(AT);
    assertThat(full.asset()).isEqualTo(Asset.TOKEN);
    assertThat(full.source()).isEqualTo(GrantSource.PROMO);
  }

  @Test
  void a_bad_expiry_names_its_field() {
    GrantRequest request = grantRequest().setExpiresAt(Timestamp.newBuilder().setNanos(-1)).build();

    assertInvalidArgument(() -> WalletProtoMapper.grantCommand(request), "expires_at", "INVALID_TIMESTAMP");
  }

  @Test
  void timestamps_keep_every_nano() {
    Timestamp timestamp = WalletProtoMapper.timestamp(AT);

    assertThat(timestamp.getSeconds()).isEqualTo(AT.getEpochSecond());
    assertThat(timestamp.getNanos()).isEqualTo(123_456_000);
    assertThat(WalletProtoMapper.instant(timestamp, "at")).isEqualTo(AT);
  }

  @Test
  void a_grant_without_expiry_or_reference_leaves_them_unset() {
    GrantInfo open = WalletProtoMapper.grantInfo(grant(null, null));
    assertThat(open.hasExpiresAt()).isFalse();
    assertThat(open.getReference()).isEmpty();

    GrantInfo dated = WalletProtoMapper.grantInfo(grant(AT, "cs_1"));
    assertThat(WalletProtoMapper.instant(dated.getExpiresAt(), "expires_at")).isEqualTo(AT);
    assertThat(dated.getReference()).isEqualTo("cs_1");
    assertThat(dated.getSource()).isEqualTo(dev.obol.proto.v1.GrantSource.GRANT_SOURCE_PURCHASE);
  }

  @Test
  void a_denial_carries_its_reason_and_a_debit_its_id() {
    var denied = WalletProtoMapper.debitResponse(new DebitOutcome.Denied(DenialReason.ACCOUNT_SUSPENDED, Asset.TOKEN, 1, 5, true));
    assertThat(denied.getAllowed()).isFalse();
    assertThat(denied.getDenialReason()).isEqualTo(dev.obol.proto.v1.DenialReason.DENIAL_REASON_ACCOUNT_SUSPENDED);
    assertThat(denied.getBalance()).isEqualTo(5);
    assertThat(denied.getLowBalance()).isTrue();

    var allowed = WalletProtoMapper.checkResponse(new CheckOutcome(true, null, 3, 10, false));
    assertThat(allowed.getDenialReason()).isEqualTo(dev.obol.proto.v1.DenialReason.DENIAL_REASON_UNSPECIFIED);
    assertThat(allowed.getCost()).isEqualTo(3);
  }

  @Test
  void ledger_entries_leave_absent_optional_fields_unset() {
    LedgerEntry entry =
        new LedgerEntry(AccountId.of("acct-1"), Asset.EUR, "grt_1", EntryKind.FEE, -5, 95, null, null, null, null, AT);
    var response = WalletProtoMapper.ledgerResponse(new LedgerPage(List.of(new RecordedEntry(7, entry, null)), ""));

    var proto = response.getEntries(0);
    assertThat(proto.getEntryId()).isEqualTo("7");
    assertThat(proto.getKind()).isEqualTo(dev.obol.proto.v1.EntryKind.ENTRY_KIND_FEE);
    assertThat(proto.getAsset()).isEqualTo(dev.obol.proto.v1.Asset.ASSET_EUR);
    assertThat(proto.getFeature()).isEmpty();
    assertThat(proto.getReason()).isEmpty();
    assertThat(proto.getRequestId()).isEmpty();
    assertThat(proto.getKeyId()).isEmpty();
    assertThat(WalletProtoMapper.instant(proto.getCreatedAt(), "created_at")).isEqualTo(AT);
  }

  @Test
  void a_balance_lists_its_wallets_with_their_grants() {
    var response =
        WalletProtoMapper.balanceResponse(
            List.of(new WalletView(Asset.TOKEN, 100, 0, false, List.of(grant(null, null)))));

    assertThat(response.getWallets(0).getAsset()).isEqualTo(dev.obol.proto.v1.Asset.ASSET_TOKEN);
    assertThat(response.getWallets(0).getBalance()).isEqualTo(100);
    assertThat(response.getWallets(0).getGrantsList()).extracting(GrantInfo::getGrantId).containsExactly("grt_1");
  }

  private boolean known(Enum<?> wire) {
    return !wire.name().endsWith("_UNSPECIFIED") && !wire.name().equals("UNRECOGNIZED");
  }

  private static GrantRequest.Builder grantRequest() {
    return GrantRequest.newBuilder()
        .setAccountId("acct-1")
        .setAsset(dev.obol.proto.v1.Asset.ASSET_TOKEN)
        .setAmount(10)
        .setSource(dev.obol.proto.v1.GrantSource.GRANT_SOURCE_PROMO)
        .setRequestId("req-1");
  }

  private static Grant grant(Instant expiresAt, String reference) {
    return new Grant(
        "grt_1", AccountId.of("acct-1"), Asset.TOKEN, GrantSource.PURCHASE, 100, 100, 100, expiresAt, reference, null,
        AT);
  }
}
