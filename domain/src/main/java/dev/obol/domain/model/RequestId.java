package dev.obol.domain.model;

/** The caller's idempotency key for one write (AIP-155), scoped to an account. */
public record RequestId(String value) {

  public RequestId {
    Validate.id("request_id", value);
  }

  public static RequestId of(String value) {
    return new RequestId(value);
  }

  @Override
  public String toString() {
    return value;
  }
}
