package dev.obol.domain.error;

/** The request is well formed but the system's state does not allow it (e.g. a request id reused). */
public final class FailedPreconditionException extends ObolException {

  public FailedPreconditionException(String reason, String message) {
    super(reason, message);
  }

  public static FailedPreconditionException requestIdConflict(String requestId) {
    return new FailedPreconditionException(
        "REQUEST_ID_CONFLICT",
        "request_id '" + requestId + "' was already used with a different request");
  }
}
