package dev.obol.app;

import java.util.Optional;

/**
 * {@code OBOL_LOG_FORMAT}: {@code text} (unset: the same) or {@code json}. logback.xml includes {@code obol-log-<value>.xml};
 * a value naming no such file would leave the root logger without an appender and Obol silent, so it is checked before
 * anything else starts.
 */
final class LogFormat {

  static final String VARIABLE = "OBOL_LOG_FORMAT";

  private LogFormat() {}

  /** Why {@code value} (null: unset) cannot be used; empty if it can. */
  static Optional<String> problem(String value) {
    if (value == null || value.equals("text") || value.equals("json")) {
      return Optional.empty();
    }
    return Optional.of(VARIABLE + " must be text or json, not '" + value + "'");
  }
}
