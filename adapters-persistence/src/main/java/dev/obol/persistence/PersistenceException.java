package dev.obol.persistence;

/** A database failure; reaches the caller as an internal error, after the transaction rolled back. */
public final class PersistenceException extends RuntimeException {

  public PersistenceException(String message, Throwable cause) {
    super(message, cause);
  }
}
