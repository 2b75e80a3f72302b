package dev.obol.grpc;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.payment.EventOutcome;
import dev.obol.domain.usecase.ApiKeyUseCases.CreatedKey;
import dev.obol.domain.usecase.ApiKeyUseCases.KeyPage;
import dev.obol.domain.usecase.CreateApiKeyCommand;
import dev.obol.domain.security.ApiKey;
import dev.obol.domain.security.Scope;
import dev.obol.proto.v1.CreateApiKeyRequest;
import dev.obol.proto.v1.CreateApiKeyResponse;
import dev.obol.proto.v1.ListApiKeysResponse;
import dev.obol.proto.v1.ReprocessStripeEventResponse;
import dev.obol.proto.v1.RevokeApiKeyResponse;

/** AdminService messages to domain values and back. */
public final class AdminProtoMapper {

  /** Limits on everything: no key needs more scope strings than there are scopes, repeated a few times. */
  static final int SCOPES_MAX = 32;

  private AdminProtoMapper() {}

  public static CreateApiKeyCommand createCommand(CreateApiKeyRequest request) {
    if (request.getScopesCount() > SCOPES_MAX) {
      throw GrpcErrors.invalid("scopes", "TOO_MANY_ENTRIES", "at most " + SCOPES_MAX + " scopes");
    }
    return new CreateApiKeyCommand(
        request.getName(),
        Scope.parseAll(request.getScopesList()),
        request.getAccountId().isEmpty() ? null : AccountId.of(request.getAccountId()),
        request.hasExpiresAt() ? WalletProtoMapper.instant(request.getExpiresAt(), "expires_at") : null,
        RequestId.of(request.getRequestId()));
  }

  public static CreateApiKeyResponse createResponse(CreatedKey created) {
    CreateApiKeyResponse.Builder response = CreateApiKeyResponse.newBuilder().setKey(key(created.key()));
    if (created.secret() != null) {
      response.setSecret(created.secret());
    }
    return response.build();
  }

  public static ListApiKeysResponse listResponse(KeyPage page) {
    ListApiKeysResponse.Builder response = ListApiKeysResponse.newBuilder().setNextPageToken(page.nextPageToken());
    page.keys().forEach(key -> response.addKeys(key(key)));
    return response.build();
  }

  public static RevokeApiKeyResponse revokeResponse(ApiKey key) {
    return RevokeApiKeyResponse.newBuilder().setKey(key(key)).build();
  }

  public static ReprocessStripeEventResponse reprocessResponse(EventOutcome outcome) {
    return ReprocessStripeEventResponse.newBuilder()
        .setOutcome(outcome.code().name())
        .setDetail(outcome.detail() == null ? "" : outcome.detail())
        .build();
  }

  static dev.obol.proto.v1.ApiKey key(ApiKey key) {
    dev.obol.proto.v1.ApiKey.Builder proto =
        dev.obol.proto.v1.ApiKey.newBuilder()
            .setKeyId(key.keyId())
            .setName(key.name())
            .setCreatedAt(WalletProtoMapper.timestamp(key.createdAt()));
    key.scopes().stream().map(Scope::wireName).sorted().forEach(proto::addScopes);
    if (key.accountId() != null) {
      proto.setAccountId(key.accountId().value());
    }
    if (key.expiresAt() != null) {
      proto.setExpiresAt(WalletProtoMapper.timestamp(key.expiresAt()));
    }
    if (key.lastUsedAt() != null) {
      proto.setLastUsedAt(WalletProtoMapper.timestamp(key.lastUsedAt()));
    }
    if (key.revokedAt() != null) {
      proto.setRevokedAt(WalletProtoMapper.timestamp(key.revokedAt()));
    }
    return proto.build();
  }
}
