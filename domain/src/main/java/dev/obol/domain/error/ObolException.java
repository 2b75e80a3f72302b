package dev.obol.domain.error;

/**
 * A failure the caller can act on. Each carries a machine-readable reason in UPPER_SNAKE; adapters translate the
 * subclass into their protocol's status (one place per adapter). Never used for normal business outcomes such as
 * a denied debit: those are values.
 */
public abstract sealed class ObolException extends RuntimeException
    permits InvalidArgumentException,
        NotFoundException,
        FailedPreconditionException,
        UnavailableException,
        UnauthenticatedException,
        PermissionDeniedException {

  private final String reason;

  protected ObolException(String reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
