package dev.obol.domain.security;

import dev.obol.domain.model.AccountId;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * An API key as operators see it; never its secret.
 *
 * @param accountId null: the key may act on every account
 * @param expiresAt null: never expires
 * @param lastUsedAt null: never used (kept to the minute, off the hot path)
 * @param revokedAt null: not revoked
 */
public record ApiKey(
    String keyId,
    String name,
    Set<Scope> scopes,
    AccountId accountId,
    Instant expiresAt,
    Instant createdAt,
    Instant lastUsedAt,
    Instant revokedAt) {

  public ApiKey {
    scopes = scopes.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(scopes));
  }

  /** {@code admin} holds every scope. */
  public boolean holds(Scope scope) {
    return scopes.contains(scope) || scopes.contains(Scope.ADMIN);
  }

  public boolean isUsableAt(Instant now) {
    return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
  }

  public ApiKey revoked(Instant at) {
    return new ApiKey(keyId, name, scopes, accountId, expiresAt, createdAt, lastUsedAt, at);
  }
}
