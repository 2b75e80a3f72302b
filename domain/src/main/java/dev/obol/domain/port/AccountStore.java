package dev.obol.domain.port;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.RequestId;
import java.util.function.Function;

/**
 * Transactions on one account. Everything a write does (grants, ledger entries, the idempotency record) commits or
 * rolls back together, and the account is locked for the duration, so concurrent writes to one account serialize and
 * can never overdraw it. No transaction spans two accounts (see design.md, Scale-out).
 */
public interface AccountStore {

  /**
   * Runs {@code work} in one transaction holding the account's lock; commits when it returns, rolls back when it
   * throws.
   */
  <T> T inTransaction(AccountId accountId, LockMode mode, Function<AccountSession, T> work);

  /**
   * The same, told what the work reads first: the stored answer to a request id and one wallet. A store may read them
   * together with taking the lock (one round trip instead of three); the work reads them through the session as usual.
   */
  default <T> T inTransaction(
      AccountId accountId, LockMode mode, Prefetch prefetch, Function<AccountSession, T> work) {
    return inTransaction(accountId, mode, work);
  }

  /** What a unit of work reads first: {@link AccountSession#findRequest} and {@link AccountSession#loadWallet}. */
  record Prefetch(RequestId requestId, Asset asset) {}

  enum LockMode {
    /** Lock the account if it exists; {@link AccountSession#account()} is empty otherwise. */
    EXISTING,
    /** Create the account (ACTIVE) if missing, then lock it. */
    CREATE_IF_MISSING
  }
}
