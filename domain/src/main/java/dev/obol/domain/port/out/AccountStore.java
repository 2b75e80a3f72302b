package dev.obol.domain.port.out;

import dev.obol.domain.model.AccountId;
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

  enum LockMode {
    /** Lock the account if it exists; {@link AccountSession#account()} is empty otherwise. */
    EXISTING,
    /** Create the account (ACTIVE) if missing, then lock it. */
    CREATE_IF_MISSING
  }
}
