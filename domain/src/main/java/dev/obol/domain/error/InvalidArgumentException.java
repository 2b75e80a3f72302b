package dev.obol.domain.error;

/** Bad input; {@link #field()} names the request field (as spelled in the public API). */
public final class InvalidArgumentException extends ObolException {

  private final String field;

  public InvalidArgumentException(String field, String reason, String message) {
    super(reason, message);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
