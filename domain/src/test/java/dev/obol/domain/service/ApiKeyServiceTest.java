package dev.obol.domain.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obol.domain.error.FailedPreconditionException;
import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.error.PermissionDeniedException;
import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.usecase.ApiKeyUseCases.CreatedKey;
import dev.obol.domain.usecase.CreateApiKeyCommand;
import dev.obol.domain.port.ApiKeyStore;
import dev.obol.domain.security.ApiKey;
import dev.obol.domain.security.Caller;
import dev.obol.domain.security.Scope;
import dev.obol.domain.security.Secrets;
import dev.obol.domain.testing.MutableClock;
import dev.obol.domain.testing.SequentialIds;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ApiKeyServiceTest {

  static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

  final CountingStore store = new CountingStore();
  final MutableClock clock = MutableClock.at(NOW);
  final AtomicLong nanos = new AtomicLong();
  final ApiKeyService keys =
      new ApiKeyService(store, new SequentialIds(), clock, "obol_bootstrap_secret", Duration.ofSeconds(2), nanos::get);

  CreatedKey create(Set<Scope> scopes, AccountId account, Instant expiresAt) {
    return keys.create(
        new CreateApiKeyCommand("svc", scopes, account, expiresAt, RequestId.of("r-" + store.keys.size())),
        Caller.SYSTEM);
  }

  @Nested
  class Secrets_ {

    @Test
    void a_secret_carries_the_prefix_its_key_id_and_256_random_bits_and_only_its_hash_is_stored() {
      CreatedKey created = create(Set.of(Scope.WALLET_READ), null, null);
      String secret = created.secret();
      assertThat(secret).startsWith("obol_" + created.key().keyId() + "_").hasSize(5 + created.key().keyId().length() + 1 + 64);
      assertThat(Secrets.keyIdOf(secret)).isEqualTo(created.key().keyId());
      assertThat(store.hashes.get(created.key().keyId())).isEqualTo(Secrets.sha256(secret));
      assertThat(create(Set.of(Scope.WALLET_READ), null, null).secret()).isNotEqualTo(secret);
    }

    @Test
    void strings_that_are_not_issued_secrets_name_no_key() {
      assertThat(Secrets.keyIdOf("obol_")).isNull();
      assertThat(Secrets.keyIdOf("hello")).isNull();
      assertThat(Secrets.keyIdOf("obol__" + "a".repeat(64))).isNull();
    }
  }

  @Nested
  class Authenticate {

    @Test
    void a_created_key_authenticates_as_itself_with_its_scopes_and_account() {
      CreatedKey created = create(Set.of(Scope.WALLET_READ), AccountId.of("alice"), null);
      Caller caller = keys.authenticate(created.secret()).orElseThrow();
      assertThat(caller.keyId()).isEqualTo(created.key().keyId());
      assertThat(caller.scopes()).containsExactly(Scope.WALLET_READ);
      assertThat(caller.accountId()).isEqualTo(AccountId.of("alice"));
    }

    @Test
    void the_bootstrap_secret_is_an_admin_without_the_store() {
      Caller caller = keys.authenticate("obol_bootstrap_secret").orElseThrow();
      assertThat(caller.keyId()).isEqualTo(Caller.BOOTSTRAP_KEY_ID);
      assertThat(caller.holds(Scope.CHARGES_RUN)).isTrue();
      assertThat(store.finds.get()).isZero();
    }

    @Test
    void unknown_wrong_or_oversized_secrets_are_refused() {
      CreatedKey created = create(Set.of(Scope.WALLET_READ), null, null);
      String secret = created.secret();
      char last = secret.charAt(secret.length() - 1);
      // Another last digit, whatever the random one was.
      String wrong = secret.substring(0, secret.length() - 1) + (last == '0' ? '1' : '0');
      assertThat(wrong).isNotEqualTo(created.secret());
      assertThat(keys.authenticate(wrong)).isEmpty();
      assertThat(keys.authenticate("nope")).isEmpty();
      assertThat(keys.authenticate("")).isEmpty();
      assertThat(keys.authenticate("obol_" + "x".repeat(600))).isEmpty();
    }

    @Test
    void a_verified_key_is_answered_from_the_cache_until_its_ttl_runs_out() {
      CreatedKey created = create(Set.of(Scope.WALLET_DEBIT), null, null);
      for (int i = 0; i < 1_000; i++) {
        assertThat(keys.authenticate(created.secret())).isPresent();
      }
      assertThat(store.finds.get()).as("one database lookup for a thousand calls").isEqualTo(1);
      nanos.addAndGet(Duration.ofSeconds(2).toNanos());
      assertThat(keys.authenticate(created.secret())).isPresent();
      assertThat(store.finds.get()).isEqualTo(2);
    }

    @Test
    void a_key_revoked_elsewhere_is_refused_once_the_cache_entry_runs_out() {
      CreatedKey created = create(Set.of(Scope.WALLET_READ), null, null);
      assertThat(keys.authenticate(created.secret())).isPresent();
      store.revoke(created.key().keyId(), NOW, "other-instance"); // behind this instance's back
      nanos.addAndGet(Duration.ofMillis(1_999).toNanos());
      assertThat(keys.authenticate(created.secret())).as("still cached").isPresent();
      nanos.addAndGet(Duration.ofMillis(1).toNanos());
      assertThat(keys.authenticate(created.secret())).isEmpty();
    }

    @Test
    void a_key_revoked_here_is_refused_at_once() {
      CreatedKey created = create(Set.of(Scope.WALLET_READ), null, null);
      assertThat(keys.authenticate(created.secret())).isPresent();
      keys.revoke(created.key().keyId(), RequestId.of("rv"), Caller.SYSTEM);
      assertThat(keys.authenticate(created.secret())).isEmpty();
    }

    @Test
    void an_expired_key_is_refused_even_from_the_cache() {
      CreatedKey created = create(Set.of(Scope.WALLET_READ), null, NOW.plusSeconds(60));
      assertThat(keys.authenticate(created.secret())).isPresent();
      clock.set(NOW.plusSeconds(60));
      assertThat(keys.authenticate(created.secret())).isEmpty();
    }

    @Test
    void the_last_use_is_recorded_at_most_once_a_minute() {
      CreatedKey created = create(Set.of(Scope.WALLET_READ), null, null);
      for (int i = 0; i < 10; i++) {
        keys.authenticate(created.secret());
      }
      assertThat(store.uses).hasSize(1);
      clock.set(NOW.plusSeconds(61));
      keys.authenticate(created.secret());
      assertThat(store.uses).hasSize(2);
    }
  }

  @Nested
  class Create {

    @Test
    void a_manager_without_admin_cannot_give_a_scope_it_does_not_hold() {
      Caller manager = new Caller("key_m", Set.of(Scope.KEYS_MANAGE, Scope.WALLET_READ), null);
      keys.create(new CreateApiKeyCommand("ok", Set.of(Scope.WALLET_READ), null, null, RequestId.of("a")), manager);
      assertThatThrownBy(
              () ->
                  keys.create(
                      new CreateApiKeyCommand("no", EnumSet.of(Scope.WALLET_READ, Scope.WALLET_GRANT), null, null, RequestId.of("b")),
                      manager))
          .isInstanceOfSatisfying(
              PermissionDeniedException.class,
              e -> {
                assertThat(e.reason()).isEqualTo("SCOPE_MISSING");
                assertThat(e.scope()).isEqualTo("wallet:grant");
              });
      assertThat(store.keys.values()).extracting(ApiKey::name).containsExactly("ok");
    }

    @Test
    void a_retry_answers_the_first_key_without_a_secret_and_another_payload_conflicts() {
      Caller admin = new Caller("key_a", Set.of(Scope.ADMIN), null);
      CreateApiKeyCommand command = new CreateApiKeyCommand("svc", Set.of(Scope.WALLET_READ), null, null, RequestId.of("same"));
      CreatedKey first = keys.create(command, admin);
      CreatedKey again = keys.create(command, admin);
      assertThat(again.key()).isEqualTo(first.key());
      assertThat(again.secret()).isNull();
      assertThatThrownBy(
              () -> keys.create(new CreateApiKeyCommand("other", Set.of(Scope.WALLET_READ), null, null, RequestId.of("same")), admin))
          .isInstanceOf(FailedPreconditionException.class)
          .hasMessageContaining("same");
      assertThat(store.keys).hasSize(1);
    }

    @Test
    void unknown_scopes_and_past_expiries_are_bad_input() {
      assertThatThrownBy(() -> Scope.parse("wallet:write"))
          .isInstanceOfSatisfying(InvalidArgumentException.class, e -> assertThat(e.reason()).isEqualTo("UNKNOWN_SCOPE"));
      assertThatThrownBy(() -> create(Set.of(Scope.ADMIN), null, NOW))
          .isInstanceOfSatisfying(InvalidArgumentException.class, e -> assertThat(e.field()).isEqualTo("expires_at"));
      assertThatThrownBy(() -> new CreateApiKeyCommand("x", Set.of(), null, null, RequestId.of("r")))
          .isInstanceOfSatisfying(InvalidArgumentException.class, e -> assertThat(e.field()).isEqualTo("scopes"));
    }
  }

  @Nested
  class ListAndRevoke {

    @Test
    void pages_walk_every_key_once_in_creation_order() {
      for (int i = 0; i < 5; i++) {
        create(Set.of(Scope.WALLET_READ), null, null);
      }
      List<String> seen = new ArrayList<>();
      String token = "";
      do {
        var page = keys.list(2, token);
        page.keys().forEach(k -> seen.add(k.keyId()));
        token = page.nextPageToken();
      } while (!token.isEmpty());
      assertThat(seen).containsExactlyElementsOf(store.keys.keySet());
      assertThatThrownBy(() -> keys.list(2, "garbage"))
          .isInstanceOfSatisfying(InvalidArgumentException.class, e -> assertThat(e.reason()).isEqualTo("INVALID_PAGE_TOKEN"));
    }

    @Test
    void a_manager_cannot_revoke_a_key_stronger_than_itself() {
      CreatedKey admin = create(Set.of(Scope.ADMIN), null, null);
      Caller manager = new Caller("key_m", Set.of(Scope.KEYS_MANAGE), null);
      assertThatThrownBy(() -> keys.revoke(admin.key().keyId(), RequestId.of("rv"), manager))
          .isInstanceOf(PermissionDeniedException.class);
      assertThat(store.keys.get(admin.key().keyId()).revokedAt()).isNull();
    }
  }

  /** An in-memory ApiKeyStore that counts lookups: the cache's promise is about round trips. */
  static final class CountingStore implements ApiKeyStore {
    final Map<String, ApiKey> keys = new LinkedHashMap<>();
    final Map<String, byte[]> hashes = new LinkedHashMap<>();
    final Map<String, NewKey> byRequest = new LinkedHashMap<>();
    final AtomicInteger finds = new AtomicInteger();
    final List<String> uses = new ArrayList<>();

    @Override
    public synchronized Insertion insert(NewKey key) {
      String request = key.createdBy() + "|" + key.requestId();
      NewKey first = byRequest.get(request);
      if (first != null) {
        return new Insertion(keys.get(first.key().keyId()), first.fingerprint(), false);
      }
      byRequest.put(request, key);
      keys.put(key.key().keyId(), key.key());
      hashes.put(key.key().keyId(), key.secretSha256());
      return new Insertion(key.key(), key.fingerprint(), true);
    }

    @Override
    public synchronized Optional<StoredKey> find(String keyId) {
      finds.incrementAndGet();
      return Optional.ofNullable(keys.get(keyId)).map(k -> new StoredKey(k, hashes.get(keyId)));
    }

    @Override
    public synchronized List<ApiKey> list(String afterKeyId, int limit) {
      return keys.values().stream()
          .filter(k -> afterKeyId == null || k.keyId().compareTo(afterKeyId) > 0)
          .limit(limit)
          .toList();
    }

    @Override
    public synchronized Optional<ApiKey> revoke(String keyId, Instant at, String revokedBy) {
      ApiKey key = keys.get(keyId);
      if (key == null) {
        return Optional.empty();
      }
      if (key.revokedAt() == null) {
        key = key.revoked(at);
        keys.put(keyId, key);
      }
      return Optional.of(key);
    }

    @Override
    public synchronized void recordUse(String keyId, Instant at) {
      uses.add(keyId + "@" + at);
    }

    @Override
    public synchronized boolean anyUsable(Instant now) {
      return keys.values().stream().anyMatch(k -> k.isUsableAt(now));
    }
  }
}
