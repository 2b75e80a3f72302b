package dev.obol.domain.model;

import dev.obol.domain.port.in.DebitOutcome;
import dev.obol.domain.port.in.GrantReceipt;
import dev.obol.domain.port.in.ReversalReceipt;

/** The idempotent writes, each with the type of its stored first answer. */
public enum Operation {
  CHECK_AND_DEBIT(DebitOutcome.Debited.class),
  GRANT(GrantReceipt.class),
  REVERSE_DEBIT(ReversalReceipt.class);

  private final Class<?> resultType;

  Operation(Class<?> resultType) {
    this.resultType = resultType;
  }

  public Class<?> resultType() {
    return resultType;
  }
}
