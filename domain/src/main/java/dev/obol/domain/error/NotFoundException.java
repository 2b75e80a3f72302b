package dev.obol.domain.error;

public final class NotFoundException extends ObolException {

  public NotFoundException(String reason, String message) {
    super(reason, message);
  }
}
