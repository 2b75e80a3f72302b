package dev.obol.domain.service;

import dev.obol.domain.error.NotFoundException;
import dev.obol.domain.model.AccountId;

/** What the wallet and account use cases say alike about an account. */
final class Accounts {

  private Accounts() {}

  static NotFoundException notFound(AccountId accountId) {
    return new NotFoundException("ACCOUNT_NOT_FOUND", "account '" + accountId + "' not found");
  }
}
