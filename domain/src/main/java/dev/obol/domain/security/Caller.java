package dev.obol.domain.security;

import dev.obol.domain.model.AccountId;
import java.util.Set;

/**
 * Who is calling: the verified key of a request.
 *
 * @param accountId null: not bound to an account
 */
public record Caller(String keyId, Set<Scope> scopes, AccountId accountId) {

  /** The key id that {@code OBOL_BOOTSTRAP_ADMIN_KEY} authenticates as. */
  public static final String BOOTSTRAP_KEY_ID = "bootstrap";

  /** Obol's own writes (first-start setup): no key made them. */
  public static final Caller SYSTEM = new Caller(null, Set.of(Scope.ADMIN), null);

  public Caller {
    scopes = Set.copyOf(scopes);
  }

  public static Caller of(ApiKey key) {
    return new Caller(key.keyId(), key.scopes(), key.accountId());
  }

  public boolean holds(Scope scope) {
    return scopes.contains(scope) || scopes.contains(Scope.ADMIN);
  }

  public boolean isAccountBound() {
    return accountId != null;
  }
}
