package dev.obol.domain.model;

public enum GrantSource {
  PURCHASE,
  SUBSCRIPTION_QUOTA,
  TOP_UP,
  PROMO,
  ADJUSTMENT;

  /** Lower burns first: quota before everything else, so purchased credit lasts. */
  public int defaultPriority() {
    return this == SUBSCRIPTION_QUOTA ? Grant.QUOTA_PRIORITY : Grant.DEFAULT_PRIORITY;
  }

  public EntryKind entryKind() {
    return this == ADJUSTMENT ? EntryKind.ADJUSTMENT : EntryKind.GRANT;
  }
}
