package dev.obol.domain.port;

import dev.obol.domain.model.Account;
import dev.obol.domain.model.AccountStatus;
import java.util.Optional;

/** The account a transaction holds the lock of. */
public interface LockedAccount {

  /** Empty when the account does not exist (a {@link AccountStore.LockMode#EXISTING} transaction on no account). */
  Optional<Account> account();

  /** Changes the locked account's status; {@link #account()} reflects it at once. */
  void setStatus(AccountStatus status);
}
