package dev.obol.domain.port.out;

import dev.obol.domain.model.Account;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.Operation;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.model.Wallet;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/** The reads and writes of one locked account inside one transaction. */
public interface AccountSession {

  Optional<Account> account();

  /** The first answer stored for this request id on this account, if any. */
  Optional<StoredRequest> findRequest(RequestId requestId);

  void saveRequest(RequestId requestId, Operation operation, String fingerprint, Object result, Instant at);

  /**
   * The wallet with every grant that has something remaining (expired or not) plus the grants named in
   * {@code alsoGrantIds}.
   */
  Wallet loadWallet(Asset asset, Collection<String> alsoGrantIds);

  /** Persists the wallet's new grants, changed grants and new ledger entries. */
  void save(Wallet wallet);

  void saveDebit(DebitRecord debit);

  Optional<DebitRecord> findDebit(String debitId);

  /** Per grant, what the debit took and has not been reversed yet. */
  Map<String, Long> reversibleByGrant(String debitId);

  record StoredRequest(Operation operation, String fingerprint, Object result) {}
}
