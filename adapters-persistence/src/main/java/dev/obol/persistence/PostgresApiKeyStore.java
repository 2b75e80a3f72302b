package dev.obol.persistence;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.port.ApiKeyStore;
import dev.obol.domain.security.ApiKey;
import dev.obol.domain.security.Scope;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API keys on PostgreSQL (table {@code api_keys}, through {@link ApiKeyRepository}); off the hot path, since verified
 * keys are cached. This class maps the repository's rows to the domain's keys.
 */
public final class PostgresApiKeyStore implements ApiKeyStore, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresApiKeyStore.class);
  /** Pending last-use updates beyond this are dropped: a statistic must never queue up behind a slow database. */
  private static final int USE_UPDATES_QUEUED_MAX = 1_000;

  private final Transactions transactions;
  private final ApiKeyRepository keys;
  private final ThreadPoolExecutor useUpdates =
      new ThreadPoolExecutor(
          1,
          1,
          0,
          TimeUnit.SECONDS,
          new ArrayBlockingQueue<>(USE_UPDATES_QUEUED_MAX),
          runnable -> {
            Thread thread = new Thread(runnable, "obol-key-last-used");
            thread.setDaemon(true);
            return thread;
          },
          new ThreadPoolExecutor.DiscardPolicy());

  public PostgresApiKeyStore(Transactions transactions, ApiKeyRepository keys) {
    this.transactions = transactions;
    this.keys = keys;
  }

  @Override
  public Insertion insert(NewKey key) {
    return transactions.inTransaction(
        "insert API key",
        connection -> {
          ApiKey k = key.key();
          int inserted =
              keys.insertIfNew(
                  k.keyId(),
                  k.name(),
                  wireNames(k.scopes()),
                  k.accountId() == null ? null : k.accountId().value(),
                  key.secretSha256(),
                  k.expiresAt(),
                  k.createdAt(),
                  key.createdBy(),
                  key.requestId(),
                  key.fingerprint());
          if (inserted == 1) {
            return new Insertion(k, key.fingerprint(), true);
          }
          ApiKeyRow first = keys.findByRequest(key.createdBy(), key.requestId()).orElseThrow();
          return new Insertion(key(first), first.fingerprint(), false);
        });
  }

  @Override
  public Optional<StoredKey> find(String keyId) {
    return keys.findById(keyId).map(row -> new StoredKey(key(row), row.secretSha256()));
  }

  @Override
  public List<ApiKey> list(String afterKeyId, int limit) {
    return keys.listAfter(afterKeyId == null ? "" : afterKeyId, limit).stream()
        .map(PostgresApiKeyStore::key)
        .toList();
  }

  @Override
  public Optional<ApiKey> revoke(String keyId, Instant at, String revokedBy) {
    return transactions.inTransaction(
        "revoke API key " + keyId,
        connection -> {
          keys.revoke(keyId, at, revokedBy);
          return keys.findById(keyId).map(PostgresApiKeyStore::key);
        });
  }

  @Override
  public void recordUse(String keyId, Instant at) {
    useUpdates.execute(
        () -> {
          try {
            transactions.inTransaction("record use of API key " + keyId, connection -> keys.recordUse(keyId, at));
          } catch (RuntimeException e) {
            LOG.warn("could not record the last use of API key {}: {}", keyId, e.getMessage());
          }
        });
  }

  @Override
  public boolean anyUsable(Instant now) {
    return keys.anyUsable(now);
  }

  @Override
  public void close() {
    useUpdates.shutdown();
    try {
      useUpdates.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String[] wireNames(Set<Scope> scopes) {
    return scopes.stream().map(Scope::wireName).sorted().toArray(String[]::new);
  }

  /** The one mapping from the row to the domain's key. */
  private static ApiKey key(ApiKeyRow row) {
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (String name : row.scopes()) {
      scopes.add(Scope.parse(name));
    }
    return new ApiKey(
        row.keyId(),
        row.name(),
        scopes,
        row.accountId() == null ? null : AccountId.of(row.accountId()),
        row.expiresAt(),
        row.createdAt(),
        row.lastUsedAt(),
        row.revokedAt());
  }
}
