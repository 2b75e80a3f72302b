package dev.obol.domain.model;

/** What a wallet holds. Amounts are always {@code long} minor units of the asset. */
public enum Asset {
  /** Unit: one token. */
  TOKEN,
  /** Unit: one euro cent. */
  EUR
}
