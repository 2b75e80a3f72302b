package dev.obol.domain.port;

import dev.obol.domain.security.ApiKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where API keys live: their metadata and the SHA-256 of their secret, never the secret. */
public interface ApiKeyStore {

  record StoredKey(ApiKey key, byte[] secretSha256) {}

  /**
   * A key to insert, made by {@code createdBy} (null: Obol itself) under {@code requestId}, which is unique per
   * creator (AIP-155).
   */
  record NewKey(ApiKey key, byte[] secretSha256, String createdBy, String requestId, String fingerprint) {}

  /** @param created false: the creator had used this request id before; {@code key} is that first key */
  record Insertion(ApiKey key, String fingerprint, boolean created) {}

  /** Inserts the key, unless its creator already used the request id: then answers the key made then. */
  Insertion insert(NewKey key);

  Optional<StoredKey> find(String keyId);

  /** Keys in key id order (oldest first), after {@code afterKeyId} (null: from the start). */
  List<ApiKey> list(String afterKeyId, int limit);

  /** Sets revoked_at unless it is set already; the key as it is afterwards, empty when there is no such key. */
  Optional<ApiKey> revoke(String keyId, Instant at, String revokedBy);

  /** Best effort, may be deferred: a statistic for operators, never on a caller's critical path. */
  void recordUse(String keyId, Instant at);

  /** Whether any key could be used now (so the first-start hint is logged only when there is none). */
  boolean anyUsable(Instant now);
}
