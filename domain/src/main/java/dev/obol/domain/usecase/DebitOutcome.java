package dev.obol.domain.usecase;

import dev.obol.domain.model.Asset;
import dev.obol.domain.model.DenialReason;

/** The answer to CheckAndDebit. A denial is a normal outcome, not an error, and writes nothing. */
public sealed interface DebitOutcome {

  Asset asset();

  /** The wallet's balance after the call. */
  long balance();

  boolean lowBalance();

  record Debited(String debitId, Asset asset, long debited, long balance, boolean lowBalance)
      implements DebitOutcome {}

  record Denied(DenialReason reason, Asset asset, long cost, long balance, boolean lowBalance)
      implements DebitOutcome {}
}
