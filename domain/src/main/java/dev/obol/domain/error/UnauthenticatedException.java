package dev.obol.domain.error;

/** No credential, or one Obol does not accept (API_KEY_MISSING, API_KEY_INVALID). */
public final class UnauthenticatedException extends ObolException {

  public UnauthenticatedException(String reason, String message) {
    super(reason, message);
  }
}
