package dev.obol.grpc;

import static dev.obol.domain.testing.ObolAssertions.assertInvalidArgument;
import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.usecase.CreateApiKeyCommand;
import dev.obol.domain.security.ApiKey;
import dev.obol.domain.security.Scope;
import dev.obol.proto.v1.CreateApiKeyRequest;
import java.time.Instant;
import java.util.Collections;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** AdminService messages: a limit on scopes, optional account and times, scopes in a stable order. */
class AdminProtoMapperTest {

  static final Instant AT = Instant.parse("2026-11-01T00:00:00Z");

  @Test
  void more_scopes_than_the_limit_are_refused() {
    CreateApiKeyRequest request =
        request().addAllScopes(Collections.nCopies(AdminProtoMapper.SCOPES_MAX + 1, "wallet:read")).build();

    assertInvalidArgument(() -> AdminProtoMapper.createCommand(request), "scopes", "TOO_MANY_ENTRIES");
  }

  @Test
  void account_and_expiry_are_optional() {
    CreateApiKeyCommand bare = AdminProtoMapper.createCommand(request().addScopes("wallet:read").build());
    assertThat(bare.accountId()).isNull();
    assertThat(bare.expiresAt()).isNull();

    CreateApiKeyCommand bound =
        AdminProtoMapper.createCommand(
            request()
                .addScopes("wallet:debit")
                .setAccountId("acct-1")
                .setExpiresAt(WalletProtoMapper.timestamp(AT))
                .build());
    assertThat(bound.accountId()).isEqualTo(AccountId.of("acct-1"));
    assertThat(bound.expiresAt()).isEqualTo(AT);
    assertThat(bound.scopes()).containsExactly(Scope.WALLET_DEBIT);
  }

  @Test
  void a_key_lists_scopes_sorted_and_leaves_absent_times_unset() {
    ApiKey key =
        new ApiKey("key_1", "ci", Set.of(Scope.WALLET_READ, Scope.ACCOUNT_READ), null, null, AT, null, null);

    dev.obol.proto.v1.ApiKey proto = AdminProtoMapper.key(key);

    assertThat(proto.getScopesList()).containsExactly("account:read", "wallet:read");
    assertThat(proto.getAccountId()).isEmpty();
    assertThat(proto.hasExpiresAt()).isFalse();
    assertThat(proto.hasLastUsedAt()).isFalse();
    assertThat(proto.hasRevokedAt()).isFalse();
    assertThat(WalletProtoMapper.instant(proto.getCreatedAt(), "created_at")).isEqualTo(AT);

    ApiKey revoked = new ApiKey("key_1", "ci", Set.of(), AccountId.of("acct-1"), AT, AT, AT, AT);
    dev.obol.proto.v1.ApiKey all = AdminProtoMapper.key(revoked);
    assertThat(all.getAccountId()).isEqualTo("acct-1");
    assertThat(all.hasExpiresAt()).isTrue();
    assertThat(all.hasLastUsedAt()).isTrue();
    assertThat(all.hasRevokedAt()).isTrue();
  }

  private static CreateApiKeyRequest.Builder request() {
    return CreateApiKeyRequest.newBuilder().setName("ci").setRequestId("req-1");
  }
}
