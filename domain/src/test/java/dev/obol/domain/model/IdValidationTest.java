package dev.obol.domain.model;

import static dev.obol.domain.testing.ObolAssertions.assertInvalidArgument;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Account and request ids name the failing field as the public API spells it. */
class IdValidationTest {

  static Stream<Arguments> ids() {
    return Stream.of(
        Arguments.of("account_id", (Function<String, Object>) AccountId::of),
        Arguments.of("request_id", (Function<String, Object>) RequestId::of));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ids")
  void accepts_opaque_ids_up_to_128_characters(String field, Function<String, Object> make) {
    assertThat(make.apply("4f1c2a8e-0b7d-4b1e-9a55-3c1f0e8d9b22")).hasToString("4f1c2a8e-0b7d-4b1e-9a55-3c1f0e8d9b22");
    assertThat(make.apply("x".repeat(128)).toString()).hasSize(128);
    assertThat(make.apply("user:42/ünïcode")).hasToString("user:42/ünïcode");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ids")
  void an_empty_or_missing_id_is_a_missing_field(String field, Function<String, Object> make) {
    assertInvalidArgument(() -> make.apply(""), field, "MISSING_FIELD");
    assertInvalidArgument(() -> make.apply(null), field, "MISSING_FIELD");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ids")
  void an_id_longer_than_128_characters_is_too_long(String field, Function<String, Object> make) {
    assertInvalidArgument(() -> make.apply("x".repeat(129)), field, "FIELD_TOO_LONG");
  }

  @ParameterizedTest
  @ValueSource(strings = {" ", "a b", " lead", "trail ", "tab\t", "new\nline", "cr\r", "nul\u0000", "del\u007f"})
  void whitespace_and_control_characters_are_invalid_in_an_account_id(String value) {
    assertInvalidArgument(() -> AccountId.of(value), "account_id", "INVALID_CHARACTERS");
  }

  @ParameterizedTest
  @ValueSource(strings = {" ", "a b", "tab\t", "new\nline", "del\u007f"})
  void whitespace_and_control_characters_are_invalid_in_a_request_id(String value) {
    assertInvalidArgument(() -> RequestId.of(value), "request_id", "INVALID_CHARACTERS");
  }
}
