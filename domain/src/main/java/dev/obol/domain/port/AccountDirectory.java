package dev.obol.domain.port;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.AccountStatus;
import java.time.Instant;
import java.util.List;

/** Accounts with what their standing is computed from, read in bulk outside any lock (committed data). */
public interface AccountDirectory {

  /**
   * Accounts in account id order after {@code afterAccountId} ("" for the first), at most {@code limit}.
   *
   * @param status null: any
   * @param now balances count the grants live at this instant
   */
  List<AccountFacts> accountFacts(String afterAccountId, AccountStatus status, Instant now, int limit);

  /**
   * @param eurBalanceCents the EUR wallet's live balance
   * @param hasEurWallet whether the account was ever granted EUR (likewise tokens)
   * @param owedCents the sum of its unpaid monthly charges
   * @param lastChargeAt when its latest period's charge was made; null if never
   */
  record AccountFacts(
      AccountId accountId,
      AccountStatus status,
      long seatCount,
      long eurBalanceCents,
      boolean hasEurWallet,
      long tokenBalance,
      boolean hasTokenWallet,
      long owedCents,
      Instant lastChargeAt,
      boolean lowBalanceAlerted) {}
}
