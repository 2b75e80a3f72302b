package dev.obol.domain.port;

import dev.obol.domain.model.Asset;
import dev.obol.domain.model.Wallet;
import java.util.Collection;

/** The locked account's wallets: its grants, and the ledger entries that explain every change to them. */
public interface Wallets {

  /**
   * The wallet with every grant that has something remaining (expired or not) plus the grants named in
   * {@code alsoGrantIds}.
   */
  Wallet loadWallet(Asset asset, Collection<String> alsoGrantIds);

  /** Persists the wallet's new grants, changed grants and new ledger entries. */
  void save(Wallet wallet);
}
