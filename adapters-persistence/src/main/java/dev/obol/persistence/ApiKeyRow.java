package dev.obol.persistence;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.model.DataType;
import java.time.Instant;

/** A row of {@code api_keys} (V5__api_keys.sql), as {@link ApiKeyRepository} reads it. */
@MappedEntity("api_keys")
public record ApiKeyRow(
    @Id String keyId,
    String name,
    @TypeDef(type = DataType.STRING_ARRAY) String[] scopes,
    @Nullable String accountId,
    byte[] secretSha256,
    @Nullable Instant expiresAt,
    Instant createdAt,
    @Nullable String createdBy,
    String requestId,
    String fingerprint,
    @Nullable Instant lastUsedAt,
    @Nullable Instant revokedAt,
    @Nullable String revokedBy) {}
