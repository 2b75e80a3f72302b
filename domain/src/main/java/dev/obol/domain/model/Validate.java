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
    for (int i = 0; i < value.length(); ) {
      int codePoint = value.codePointAt(i);
      if (!isIdCodePoint(codePoint)) {
        throw new InvalidArgumentException(
            field,
            "INVALID_CHARACTERS",
            field + " must not contain whitespace, control, format or separator characters");
      }
      i += Character.charCount(codePoint);
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
    return safeText(field, value);
  }

  /**
   * Free text may hold any printable character, bidi marks included (an Arabic or Hebrew reason needs them), and
   * tab, line feed and carriage return. It may not hold NUL (PostgreSQL refuses it in text columns) nor the other C0,
   * DEL and C1 control characters (terminal escapes in logs), nor an unpaired surrogate (not encodable as UTF-8).
   */
  public static String safeText(String field, String value) {
    for (int i = 0; i < value.length(); ) {
      int codePoint = value.codePointAt(i);
      if (!isTextCodePoint(codePoint)) {
        throw new InvalidArgumentException(
            field,
            "INVALID_CHARACTER",
            field + " must not contain NUL or control characters other than tab, line feed and carriage return");
      }
      i += Character.charCount(codePoint);
    }
    return value;
  }

  /**
   * An id is shown in logs, terminals and dashboards, so it may hold nothing that is invisible there or changes what
   * is shown around it: no whitespace (Zs and Java's whitespace), no control (Cc: C0, DEL, C1), no format character
   * (Cf: bidi overrides and isolates, zero-width characters, the BOM), no line or paragraph separator, and no unpaired
   * surrogate.
   */
  static boolean isIdCodePoint(int codePoint) {
    if (Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint)) {
      return false;
    }
    return switch (Character.getType(codePoint)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.SPACE_SEPARATOR,
          Character.SURROGATE -> false;
      default -> true;
    };
  }

  /** Whether {@code value} holds any whitespace, Java's or Unicode's (no-break and ideographic spaces too). */
  public static boolean containsWhitespace(String value) {
    return value.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c));
  }

  static boolean isTextCodePoint(int codePoint) {
    if (codePoint == '\t' || codePoint == '\n' || codePoint == '\r') {
      return true;
    }
    int type = Character.getType(codePoint);
    return type != Character.CONTROL && type != Character.SURROGATE;
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
