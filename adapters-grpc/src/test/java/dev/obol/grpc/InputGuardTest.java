package dev.obol.grpc;

import static dev.obol.domain.testing.ObolAssertions.assertInvalidArgument;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.google.protobuf.Timestamp;
import dev.obol.proto.v1.ApiKey;
import dev.obol.proto.v1.CheckAndDebitRequest;
import dev.obol.proto.v1.CreateApiKeyRequest;
import dev.obol.proto.v1.CreateCheckoutSessionRequest;
import dev.obol.proto.v1.GetBalanceResponse;
import dev.obol.proto.v1.GrantInfo;
import dev.obol.proto.v1.GrantRequest;
import dev.obol.proto.v1.ListApiKeysResponse;
import dev.obol.proto.v1.RunMonthlyChargesRequest;
import dev.obol.proto.v1.WalletBalance;
import org.junit.jupiter.api.Test;

/** The guard finds a NUL in any string of a real generated message, however it is nested, and names its path. */
class InputGuardTest {

  static final String NUL = "\u0000";

  @Test
  void a_nul_in_a_top_level_string_names_that_field() {
    assertInvalidArgument(
        () -> InputGuard.check(grant().setReason("goodwill" + NUL).build()), "reason", "INVALID_CHARACTER");
    assertInvalidArgument(
        () -> InputGuard.check(grant().setReference(NUL).build()), "reference", "INVALID_CHARACTER");
    assertInvalidArgument(
        () -> InputGuard.check(grant().setAccountId("acct" + NUL).build()), "account_id", "INVALID_CHARACTER");
  }

  @Test
  void a_nul_in_a_map_key_or_value_names_the_map_without_echoing_the_key() {
    assertInvalidArgument(
        () -> InputGuard.check(debit().putMetadata("job" + NUL, "42").build()), "metadata", "INVALID_CHARACTER");
    assertInvalidArgument(
        () -> InputGuard.check(debit().putMetadata("job", "4" + NUL + "2").build()), "metadata", "INVALID_CHARACTER");
  }

  @Test
  void a_nul_in_a_repeated_string_names_its_index() {
    CreateApiKeyRequest request =
        CreateApiKeyRequest.newBuilder().setName("ci").addScopes("wallet:read").addScopes("admin" + NUL).build();
    assertInvalidArgument(() -> InputGuard.check(request), "scopes[1]", "INVALID_CHARACTER");
  }

  @Test
  void a_nul_in_a_nested_message_names_the_path_to_it() {
    GetBalanceResponse nested =
        GetBalanceResponse.newBuilder()
            .addWallets(WalletBalance.newBuilder().addGrants(GrantInfo.newBuilder().setReference("fine")))
            .addWallets(
                WalletBalance.newBuilder()
                    .addGrants(GrantInfo.newBuilder().setReference("fine"))
                    .addGrants(GrantInfo.newBuilder().setReference("in" + NUL + "v")))
            .build();
    assertInvalidArgument(() -> InputGuard.check(nested), "wallets[1].grants[1].reference", "INVALID_CHARACTER");

    ListApiKeysResponse keys =
        ListApiKeysResponse.newBuilder().addKeys(ApiKey.newBuilder().addScopes("a").addScopes(NUL)).build();
    assertInvalidArgument(() -> InputGuard.check(keys), "keys[0].scopes[1]", "INVALID_CHARACTER");
  }

  @Test
  void a_nul_in_a_oneof_string_is_found_and_builders_are_walked_too() {
    assertInvalidArgument(
        () -> InputGuard.check(CreateCheckoutSessionRequest.newBuilder().setPack("basic" + NUL)), "pack",
        "INVALID_CHARACTER");
  }

  @Test
  void timestamps_anywhere_in_the_request_must_be_valid() {
    assertInvalidArgument(
        () -> InputGuard.check(grant().setExpiresAt(Timestamp.newBuilder().setSeconds(1).setNanos(-1)).build()),
        "expires_at",
        "INVALID_TIMESTAMP");
    assertInvalidArgument(
        () ->
            InputGuard.check(
                RunMonthlyChargesRequest.newBuilder()
                    .setAsOf(Timestamp.newBuilder().setSeconds(1).setNanos(1_000_000_000))
                    .build()),
        "as_of",
        "INVALID_TIMESTAMP");
    GetBalanceResponse nested =
        GetBalanceResponse.newBuilder()
            .addWallets(
                WalletBalance.newBuilder()
                    .addGrants(GrantInfo.newBuilder().setExpiresAt(Timestamp.newBuilder().setSeconds(Long.MAX_VALUE))))
            .build();
    assertInvalidArgument(() -> InputGuard.check(nested), "wallets[0].grants[0].expires_at", "INVALID_TIMESTAMP");
  }

  @Test
  void legitimate_text_passes() {
    assertThatCode(
            () ->
                InputGuard.check(
                    debit()
                        .putMetadata("note", "Goodwill — Ünïcödé ✓ 👍")
                        .putMetadata("lines", "one\ntwo\tthree\r\n")
                        .build()))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                InputGuard.check(
                    grant()
                        .setReason("line one\nline two")
                        .setExpiresAt(Timestamp.newBuilder().setSeconds(253_402_300_799L).setNanos(999_999_999))
                        .build()))
        .doesNotThrowAnyException();
  }

  private static GrantRequest.Builder grant() {
    return GrantRequest.newBuilder().setAccountId("alice").setAmount(5).setRequestId("r1");
  }

  private static CheckAndDebitRequest.Builder debit() {
    return CheckAndDebitRequest.newBuilder().setAccountId("alice").setFeature("image").setRequestId("d1");
  }
}
