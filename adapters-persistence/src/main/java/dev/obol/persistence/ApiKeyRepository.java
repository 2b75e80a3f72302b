package dev.obol.persistence;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.DataType;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code api_keys} table. Native queries where the statement matters: the idempotent insert ({@code ON CONFLICT}
 * on the request's unique index) and the conditional updates. Arrays ({@code scopes}) are bound as one text[]
 * parameter ({@code STRING_ARRAY}), not expanded into a list.
 */
@DatabaseCall
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ApiKeyRepository extends GenericRepository<ApiKeyRow, String> {

  /** @return 1 if inserted, 0 if the caller already made a key with this request id */
  @Query(
      value =
          "INSERT INTO api_keys (key_id, name, scopes, account_id, secret_sha256, expires_at, created_at, created_by,"
              + " request_id, fingerprint) VALUES (:keyId, :name, :scopes, :accountId,"
              + " :secretSha256, :expiresAt, :createdAt, :createdBy, :requestId, :fingerprint)"
              + " ON CONFLICT (coalesce(created_by, ''), request_id) DO NOTHING",
      readOnly = false)
  int insertIfNew(
      String keyId,
      String name,
      @TypeDef(type = DataType.STRING_ARRAY) String[] scopes,
      @Nullable String accountId,
      byte[] secretSha256,
      @Nullable Instant expiresAt,
      Instant createdAt,
      @Nullable String createdBy,
      String requestId,
      String fingerprint);

  @Query("SELECT * FROM api_keys WHERE coalesce(created_by, '') = coalesce(:createdBy, '') AND request_id = :requestId")
  Optional<ApiKeyRow> findByRequest(@Nullable String createdBy, String requestId);

  Optional<ApiKeyRow> findById(String keyId);

  @Query("SELECT * FROM api_keys WHERE key_id > :afterKeyId ORDER BY key_id LIMIT :limit")
  List<ApiKeyRow> listAfter(String afterKeyId, int limit);

  @Query(
      value =
          "UPDATE api_keys SET revoked_at = :at, revoked_by = :revokedBy WHERE key_id = :keyId AND revoked_at IS NULL",
      readOnly = false)
  int revoke(String keyId, Instant at, @Nullable String revokedBy);

  /** Only ever moves last_used_at forward: updates from several instances may arrive out of order. */
  @Query(
      value =
          "UPDATE api_keys SET last_used_at = :at WHERE key_id = :keyId"
              + " AND (last_used_at IS NULL OR last_used_at < :at)",
      readOnly = false)
  int recordUse(String keyId, Instant at);

  @Query(
      "SELECT EXISTS (SELECT 1 FROM api_keys WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > :now))")
  boolean anyUsable(Instant now);
}
