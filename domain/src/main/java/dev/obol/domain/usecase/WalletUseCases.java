package dev.obol.domain.usecase;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.FeaturePrice;
import java.util.List;

/** What callers can do with wallets (the incoming port the gRPC adapter drives). */
public interface WalletUseCases {

  DebitOutcome checkAndDebit(DebitCommand command);

  CheckOutcome check(CheckQuery query);

  GrantReceipt grant(GrantCommand command);

  ReversalReceipt reverseDebit(ReverseDebitCommand command);

  /** @param asset null: every asset */
  List<WalletView> balances(AccountId accountId, Asset asset);

  LedgerPage ledger(LedgerQuery query);

  List<FeaturePrice> features();
}
