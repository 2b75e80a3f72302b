package dev.obol.domain.payment;

/** What processing an event did, stored with the event. */
public record EventOutcome(Code code, String detail) {

  public enum Code {
    GRANTED,
    ALREADY_GRANTED,
    AWAITING_PAYMENT,
    PAYMENT_FAILED,
    SUBSCRIPTION_LINKED,
    QUOTA_PERIOD_STARTED,
    /** The invoice's period is over, or an equal or later period has been started already: nothing granted. */
    QUOTA_PERIOD_SKIPPED,
    PAST_DUE,
    SUBSCRIPTION_ENDED,
    CLAWED_BACK,
    NOTHING_TO_CLAW_BACK,
    /** A won dispute gave back what the dispute had taken. */
    RESTORED,
    NOTHING_TO_RESTORE,
    /** A payment method saved for off-session charges (auto-recharge) was recorded. */
    PAYMENT_METHOD_SAVED,
    /** An auto-recharge's payment failed: nothing granted; backed off (or turned off after 3 in a row). */
    RECHARGE_FAILED,
    /** An auto-recharge's failure event for a recharge that was settled already (by the provider's answer). */
    RECHARGE_ALREADY_SETTLED,
    /**
     * Recorded, nothing written: an event Obol does not use, or one that names nothing Obol knows. Reprocessing may
     * apply it (e.g. a refund that arrived before its purchase).
     */
    IGNORED,
    /**
     * A signed event that cannot be read (a missing id, type or object, a field of the wrong type): stored as received
     * and acknowledged, nothing written. The detail says why; an operator reprocesses it after a fix.
     */
    UNREADABLE;

    /** Only these wrote nothing, so only these are applied by a reprocess; any other outcome stands. */
    public boolean reprocessable() {
      return this == IGNORED || this == UNREADABLE;
    }
  }

  public static EventOutcome of(Code code, String detail) {
    return new EventOutcome(code, detail);
  }

  public static EventOutcome ignored(String why) {
    return new EventOutcome(Code.IGNORED, why);
  }

  public static EventOutcome unreadable(String why) {
    return new EventOutcome(Code.UNREADABLE, why);
  }
}
