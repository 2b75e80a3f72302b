package dev.obol.stripe;

/**
 * A signed Stripe event that can never be processed as it is (a missing id, type or object, a field of the wrong
 * type): the webhook stores it as UNREADABLE and acknowledges it, since Stripe would send the same bytes again.
 */
public final class UnreadableEventException extends RuntimeException {

  /** Details name a JSON path and the problem; stripe-java's messages can be long, and they are stored. */
  static final int WHY_LENGTH_MAX = 500;

  private final String why;

  /** @param why which part could not be read, e.g. "data.object.amount_total is not a number" */
  public UnreadableEventException(String why) {
    super(why, null, false, false); // no stack trace: this is bad input, not a failure
    this.why = why.length() <= WHY_LENGTH_MAX ? why : why.substring(0, WHY_LENGTH_MAX - 1) + "…";
  }

  public String why() {
    return why;
  }
}
