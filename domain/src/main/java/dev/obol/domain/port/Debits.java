package dev.obol.domain.port;

import java.util.Map;
import java.util.Optional;

/** The locked account's debits, kept so that they can be reversed. */
public interface Debits {

  void saveDebit(DebitRecord debit);

  Optional<DebitRecord> findDebit(String debitId);

  /** Per grant, what the debit took and has not been reversed yet. */
  Map<String, Long> reversibleByGrant(String debitId);
}
