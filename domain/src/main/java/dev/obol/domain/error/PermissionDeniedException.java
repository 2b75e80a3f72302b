package dev.obol.domain.error;

/**
 * A valid key that may not do this (SCOPE_MISSING, ACCOUNT_NOT_ALLOWED).
 *
 * @see #scope()
 */
public final class PermissionDeniedException extends ObolException {

  private final String scope;

  /** @param scope the scope that was needed, for SCOPE_MISSING; null otherwise */
  public PermissionDeniedException(String reason, String message, String scope) {
    super(reason, message);
    this.scope = scope;
  }

  public static PermissionDeniedException scopeMissing(String scope) {
    return new PermissionDeniedException(
        "SCOPE_MISSING", "this API key lacks the scope '" + scope + "'", scope);
  }

  public static PermissionDeniedException accountNotAllowed() {
    return new PermissionDeniedException(
        "ACCOUNT_NOT_ALLOWED", "this API key is bound to another account", null);
  }

  /** The scope that was needed; null when the refusal is not about a scope. */
  public String scope() {
    return scope;
  }
}
