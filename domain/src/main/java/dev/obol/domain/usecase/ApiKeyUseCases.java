package dev.obol.domain.usecase;

import dev.obol.domain.model.RequestId;
import dev.obol.domain.security.ApiKey;
import dev.obol.domain.security.Caller;
import java.util.List;

/** AdminService's key management. */
public interface ApiKeyUseCases {

  /** @param secret null when this answer replays an earlier request: the secret is shown once and never kept */
  record CreatedKey(ApiKey key, String secret) {}

  record KeyPage(List<ApiKey> keys, String nextPageToken) {}

  /**
   * Makes a key. A caller without {@code admin} cannot give the new key a scope it does not hold itself.
   *
   * @throws dev.obol.domain.error.PermissionDeniedException SCOPE_MISSING
   */
  CreatedKey create(CreateApiKeyCommand command, Caller caller);

  /** @param pageSize 0: 100; at most 500 */
  KeyPage list(int pageSize, String pageToken);

  /**
   * Revokes a key (idempotent: a revoked key is answered as it is). A caller without {@code admin} cannot revoke a key
   * holding a scope it does not hold itself.
   */
  ApiKey revoke(String keyId, RequestId requestId, Caller caller);
}
