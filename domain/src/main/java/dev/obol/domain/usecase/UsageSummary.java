package dev.obol.domain.usecase;

import dev.obol.domain.model.GrantSource;
import java.util.List;
import java.util.Map;

/** A wallet's usage in a window: rows in key order, and the window's totals. Amounts are positive minor units. */
public record UsageSummary(List<Row> rows, Totals totals) {

  public UsageSummary {
    rows = List.copyOf(rows);
  }

  /** @param debitCount debit operations (one debit may take from several grants: one operation) */
  public record Row(String key, long debitCount, long debited, long reversed) {}

  /**
   * @param granted per source, only sources with something granted, in the enum's order
   * @param held held now; 0 until holds exist
   * @param fees monthly seat fees charged to the wallet
   */
  public record Totals(
      Map<GrantSource, Long> granted,
      long debited,
      long reversed,
      long expired,
      long clawedBack,
      long held,
      long fees) {

    public static final Totals ZERO = new Totals(Map.of(), 0, 0, 0, 0, 0, 0);
  }
}
