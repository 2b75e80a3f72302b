package dev.obol.domain.usecase;

import dev.obol.domain.model.Asset;
import dev.obol.domain.model.DenialReason;
import java.time.Instant;

/** The answer to Reserve. A denial, as a debit's, is a normal outcome that writes nothing and is not stored. */
public sealed interface ReserveOutcome {

  Asset asset();

  /** The available balance after the call (what a debit could still take). */
  long balance();

  boolean lowBalance();

  record Reserved(
      String reservationId, Asset asset, long held, long balance, Instant expiresAt, boolean lowBalance)
      implements ReserveOutcome {}

  record Denied(DenialReason reason, Asset asset, long cost, long balance, boolean lowBalance)
      implements ReserveOutcome {}
}
