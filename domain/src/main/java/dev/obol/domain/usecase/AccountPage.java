package dev.obol.domain.usecase;

import dev.obol.domain.model.AccountId;
import java.util.List;

/** @param nextPageToken empty on the last page */
public record AccountPage(List<Listed> accounts, String nextPageToken) {

  public AccountPage {
    accounts = List.copyOf(accounts);
  }

  /** @param lowBalance a wallet the account has (token or EUR) is below the low-balance threshold */
  public record Listed(AccountId accountId, Standing standing, long tokenBalance, boolean lowBalance) {}
}
