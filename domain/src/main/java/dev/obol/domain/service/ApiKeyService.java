package dev.obol.domain.service;

import dev.obol.domain.error.FailedPreconditionException;
import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.error.NotFoundException;
import dev.obol.domain.error.PermissionDeniedException;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.Validate;
import dev.obol.domain.usecase.ApiKeyUseCases;
import dev.obol.domain.usecase.Authenticator;
import dev.obol.domain.usecase.CreateApiKeyCommand;
import dev.obol.domain.port.ApiKeyStore;
import dev.obol.domain.port.ApiKeyStore.StoredKey;
import dev.obol.domain.port.IdGenerator;
import dev.obol.domain.security.ApiKey;
import dev.obol.domain.security.Caller;
import dev.obol.domain.security.Scope;
import dev.obol.domain.security.Secrets;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * API keys: making, listing and revoking them, and verifying a presented secret.
 *
 * <p>A verified answer (and an unknown secret) is cached for {@code cacheTtl}, so authentication adds no database round
 * trip to the hot path; a revocation on another instance is therefore seen within that time (the contract promises
 * 5 s; the default is 2 s). The cache is keyed by the secret's SHA-256 and holds the key, whose revocation and expiry
 * are checked on every call.
 */
public final class ApiKeyService implements ApiKeyUseCases, Authenticator {

  public static final Duration CACHE_TTL_DEFAULT = Duration.ofSeconds(2);
  /** More distinct secrets than this within one TTL (a flood of guesses) empties the cache rather than grow it. */
  static final int CACHE_ENTRIES_MAX = 10_000;
  static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);
  public static final int PAGE_SIZE_DEFAULT = 100;
  public static final int PAGE_SIZE_MAX = 500;

  private final ApiKeyStore store;
  private final IdGenerator ids;
  private final Clock clock;
  private final byte[] bootstrapSha256;
  private final Duration cacheTtl;
  private final LongSupplier monotonicNanos;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastRecordedUse = new ConcurrentHashMap<>();

  /** @param key null: a secret none of the store's keys has; @param untilNanos on the monotonic clock */
  private record Cached(ApiKey key, long untilNanos) {}

  /**
   * @param bootstrapSecret accepted as an {@code admin} key with key id {@value Caller#BOOTSTRAP_KEY_ID}; null or empty:
   *     none
   */
  public ApiKeyService(
      ApiKeyStore store, IdGenerator ids, Clock clock, String bootstrapSecret, Duration cacheTtl) {
    this(store, ids, clock, bootstrapSecret, cacheTtl, System::nanoTime);
  }

  /**
   * @param clock the business clock: creation times, expiry
   * @param monotonicNanos how cache entries age (System::nanoTime): real time, whatever the business clock says
   */
  public ApiKeyService(
      ApiKeyStore store,
      IdGenerator ids,
      Clock clock,
      String bootstrapSecret,
      Duration cacheTtl,
      LongSupplier monotonicNanos) {
    this.monotonicNanos = monotonicNanos;
    this.store = store;
    this.ids = ids;
    this.clock = clock;
    this.bootstrapSha256 =
        bootstrapSecret == null || bootstrapSecret.isEmpty() ? null : Secrets.sha256(bootstrapSecret);
    this.cacheTtl = cacheTtl;
  }

  public boolean hasBootstrapKey() {
    return bootstrapSha256 != null;
  }

  // ---- Authenticator ---------------------------------------------------------------------------------------------

  @Override
  public Optional<Caller> authenticate(String secret) {
    if (secret == null || secret.isEmpty() || secret.length() > Secrets.SECRET_LENGTH_MAX) {
      return Optional.empty();
    }
    byte[] hash = Secrets.sha256(secret);
    if (bootstrapSha256 != null && Secrets.sameHash(hash, bootstrapSha256)) {
      return Optional.of(new Caller(Caller.BOOTSTRAP_KEY_ID, Set.of(Scope.ADMIN), null));
    }
    Instant now = clock.instant();
    long nowNanos = monotonicNanos.getAsLong();
    String cacheKey = HexFormat.of().formatHex(hash);
    Cached cached = cache.get(cacheKey);
    if (cached == null || nowNanos - cached.untilNanos() >= 0) {
      cached = new Cached(lookUp(secret, hash).orElse(null), nowNanos + cacheTtl.toNanos());
      if (cache.size() >= CACHE_ENTRIES_MAX) {
        cache.clear();
      }
      cache.put(cacheKey, cached);
    }
    ApiKey key = cached.key();
    if (key == null || !key.isUsableAt(now)) {
      return Optional.empty();
    }
    recordUse(key.keyId(), now);
    return Optional.of(Caller.of(key));
  }

  private Optional<ApiKey> lookUp(String secret, byte[] hash) {
    String keyId = Secrets.keyIdOf(secret);
    if (keyId == null) {
      return Optional.empty();
    }
    return store.find(keyId).filter(stored -> Secrets.sameHash(hash, stored.secretSha256())).map(StoredKey::key);
  }

  private void recordUse(String keyId, Instant now) {
    Instant last = lastRecordedUse.get(keyId);
    if (last != null && now.isBefore(last.plus(LAST_USED_RESOLUTION))) {
      return;
    }
    if (lastRecordedUse.size() >= CACHE_ENTRIES_MAX) {
      lastRecordedUse.clear();
    }
    lastRecordedUse.put(keyId, now);
    store.recordUse(keyId, now);
  }

  // ---- ApiKeyUseCases --------------------------------------------------------------------------------------------

  @Override
  public CreatedKey create(CreateApiKeyCommand command, Caller caller) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
    requireHoldsAll(caller, command.scopes());
    Instant expiresAt = GrantWriter.checkedExpiry(command.expiresAt(), now);
    String keyId = ids.newId("key");
    String secret = Secrets.newSecret(keyId);
    ApiKey key =
        new ApiKey(keyId, command.name(), command.scopes(), command.accountId(), expiresAt, now, null, null);
    String fingerprint = command.fingerprint();
    ApiKeyStore.Insertion insertion =
        store.insert(
            new ApiKeyStore.NewKey(
                key, Secrets.sha256(secret), caller.keyId(), command.requestId().value(), fingerprint));
    if (!insertion.created()) {
      if (!insertion.fingerprint().equals(fingerprint)) {
        throw FailedPreconditionException.requestIdConflict(command.requestId().value());
      }
      // The first answer, less its secret: Obol never kept it. A caller that lost it revokes the key and makes another.
      return new CreatedKey(insertion.key(), null);
    }
    return new CreatedKey(key, secret);
  }

  @Override
  public KeyPage list(int pageSize, String pageToken) {
    if (pageSize < 0 || pageSize > PAGE_SIZE_MAX) {
      throw new InvalidArgumentException(
          "page_size", "PAGE_SIZE_OUT_OF_RANGE", "page_size must be between 0 and " + PAGE_SIZE_MAX);
    }
    int size = pageSize == 0 ? PAGE_SIZE_DEFAULT : pageSize;
    List<ApiKey> rows = store.list(afterKeyId(pageToken), size + 1);
    if (rows.size() <= size) {
      return new KeyPage(rows, "");
    }
    List<ApiKey> page = List.copyOf(rows.subList(0, size));
    return new KeyPage(page, tokenAfter(page.get(size - 1).keyId()));
  }

  @Override
  public ApiKey revoke(String keyId, RequestId requestId, Caller caller) {
    Validate.id("key_id", keyId);
    Validate.required("request_id", requestId);
    StoredKey stored = store.find(keyId).orElseThrow(() -> keyNotFound(keyId));
    requireHoldsAll(caller, stored.key().scopes());
    ApiKey revoked =
        store
            .revoke(keyId, clock.instant().truncatedTo(ChronoUnit.MICROS), caller.keyId())
            .orElseThrow(() -> keyNotFound(keyId));
    // This instance refuses it at once; the others when their cache entry runs out.
    cache.values().removeIf(cached -> cached.key() != null && cached.key().keyId().equals(keyId));
    return revoked;
  }

  /** Without admin, a caller can only hand out (or take away) what it holds itself: no key climbs above its maker. */
  private static void requireHoldsAll(Caller caller, Set<Scope> scopes) {
    if (caller.holds(Scope.ADMIN)) {
      return;
    }
    for (Scope scope : scopes) {
      if (!caller.scopes().contains(scope)) {
        throw PermissionDeniedException.scopeMissing(scope.wireName());
      }
    }
  }

  private static NotFoundException keyNotFound(String keyId) {
    return new NotFoundException("KEY_NOT_FOUND", "API key '" + keyId + "' not found");
  }

  static String tokenAfter(String keyId) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(("k:" + keyId).getBytes(StandardCharsets.UTF_8));
  }

  private static String afterKeyId(String pageToken) {
    if (pageToken == null || pageToken.isEmpty()) {
      return null;
    }
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
      if (!decoded.startsWith("k:") || decoded.length() > Validate.ID_LENGTH_MAX + 2) {
        throw new IllegalArgumentException();
      }
      return Validate.id("page_token", decoded.substring(2));
    } catch (IllegalArgumentException | InvalidArgumentException e) {
      throw new InvalidArgumentException("page_token", "INVALID_PAGE_TOKEN", "page_token is not one Obol issued");
    }
  }
}
