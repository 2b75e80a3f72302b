package dev.obol.domain.payment;

/** How often a plan is billed. Quota is always granted per monthly period, whatever the billing interval. */
public enum BillingInterval {
  MONTH("month"),
  YEAR("year");

  private final String wireName;

  BillingInterval(String wireName) {
    this.wireName = wireName;
  }

  /** As Stripe and the API spell it: "month", "year". */
  public String wireName() {
    return wireName;
  }

  /** Null when the text names no interval this service knows. */
  public static BillingInterval fromWireName(String text) {
    for (BillingInterval interval : values()) {
      if (interval.wireName.equals(text)) {
        return interval;
      }
    }
    return null;
  }
}
