package dev.obol.domain.error;

/** A dependency (e.g. the payment provider) failed or could not be reached; the caller may retry. */
public final class UnavailableException extends ObolException {

  public UnavailableException(String reason, String message) {
    super(reason, message);
  }
}
