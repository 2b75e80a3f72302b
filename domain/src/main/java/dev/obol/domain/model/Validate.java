package dev.obol.domain.model;

import dev.obol.domain.error.InvalidArgumentException;

/** Input checks shared by the command records. Field names are the public API's. */
public final class Validate {

  /** Ids (account, request, debit, grant) are opaque caller strings, bounded so storage and logs stay sane. */
  public static final int ID_LENGTH_MAX = 128;
  public static final int TEXT_LENGTH_MAX = 512;

  private Validate() {}

  public static String id(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new InvalidArgumentException(field, "MISSING_FIELD", field + " is required");
    }
    if (value.length() > ID_LENGTH_MAX) {
      throw new InvalidArgumentException(
          field, "FIELD_TOO_LONG", field + " is longer than " + ID_LENGTH_MAX + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c <= ' ' || c == 0x7f) {
        throw new InvalidArgumentException(
            field, "INVALID_CHARACTERS", field + " must not contain spaces or control characters");
      }
    }
    return value;
  }

  /** Free text (reason, reference): optional, bounded; empty becomes null. */
  public static String text(String field, String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (value.length() > TEXT_LENGTH_MAX) {
      throw new InvalidArgumentException(
          field, "FIELD_TOO_LONG", field + " is longer than " + TEXT_LENGTH_MAX + " characters");
    }
    return value;
  }

  public static long positive(String field, long amount) {
    if (amount <= 0) {
      throw new InvalidArgumentException(field, "AMOUNT_NOT_POSITIVE", field + " must be greater than 0");
    }
    return amount;
  }

  public static <T> T required(String field, T value) {
    if (value == null) {
      throw new InvalidArgumentException(field, "MISSING_FIELD", field + " is required");
    }
    return value;
  }

  public static InvalidArgumentException overflow(String field) {
    return new InvalidArgumentException(
        field, "AMOUNT_OVERFLOW", field + " would overflow the wallet's 64-bit balance");
  }
}
