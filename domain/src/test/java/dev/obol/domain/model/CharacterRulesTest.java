package dev.obol.domain.model;

import static dev.obol.domain.testing.ObolAssertions.assertInvalidArgument;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which characters an id and a free text may hold. An id may hold nothing a terminal or a log would hide or act on;
 * free text may hold any printable character and line breaks, but no NUL and no other control character.
 */
class CharacterRulesTest {

  /** Code points no id may hold, each with its Unicode category. */
  static Stream<Arguments> unsafeInIds() {
    return Stream.of(
        Arguments.of("NUL (Cc, C0)", "\u0000"),
        Arguments.of("ESC (Cc, C0)", "\u001b"),
        Arguments.of("TAB (Cc, whitespace)", "\t"),
        Arguments.of("LF (Cc, whitespace)", "\n"),
        Arguments.of("DEL (Cc)", "\u007f"),
        Arguments.of("U+0080 (Cc, C1)", "\u0080"),
        Arguments.of("NEL U+0085 (Cc, C1)", "\u0085"),
        Arguments.of("CSI U+009B (Cc, C1)", "\u009b"),
        Arguments.of("APC U+009F (Cc, C1)", "\u009f"),
        Arguments.of("soft hyphen U+00AD (Cf)", "\u00ad"),
        Arguments.of("Arabic letter mark U+061C (Cf)", "\u061c"),
        Arguments.of("zero-width space U+200B (Cf)", "\u200b"),
        Arguments.of("zero-width joiner U+200D (Cf)", "\u200d"),
        Arguments.of("left-to-right mark U+200E (Cf)", "\u200e"),
        Arguments.of("right-to-left mark U+200F (Cf)", "\u200f"),
        Arguments.of("LRE U+202A (Cf)", "\u202a"),
        Arguments.of("RLO U+202E (Cf)", "\u202e"),
        Arguments.of("LRI U+2066 (Cf)", "\u2066"),
        Arguments.of("PDI U+2069 (Cf)", "\u2069"),
        Arguments.of("BOM U+FEFF (Cf)", "\ufeff"),
        Arguments.of("language tag U+E0001 (Cf, supplementary)", new String(Character.toChars(0xE0001))),
        Arguments.of("line separator U+2028 (Zl)", "\u2028"),
        Arguments.of("paragraph separator U+2029 (Zp)", "\u2029"),
        Arguments.of("space (Zs)", " "),
        Arguments.of("no-break space U+00A0 (Zs)", "\u00a0"),
        Arguments.of("figure space U+2007 (Zs)", "\u2007"),
        Arguments.of("ideographic space U+3000 (Zs)", "\u3000"),
        Arguments.of("unpaired high surrogate", "\ud800"),
        Arguments.of("unpaired low surrogate", "\udc00"),
        Arguments.of("reversed surrogate pair", "\ude00\ud83d"));
  }

  static Stream<Arguments> idFields() {
    return Stream.of(
        Arguments.of("account_id", (Function<String, Object>) AccountId::of),
        Arguments.of("request_id", (Function<String, Object>) RequestId::of),
        Arguments.of("debit_id", (Function<String, Object>) value -> Validate.id("debit_id", value)));
  }

  static Stream<Arguments> unsafeInEveryId() {
    return idFields()
        .flatMap(
            id ->
                unsafeInIds()
                    .map(c -> Arguments.of(id.get()[0], c.get()[0], c.get()[1], id.get()[1])));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("unsafeInEveryId")
  void an_id_refuses_control_format_separator_and_whitespace_characters_anywhere(
      String field, String what, String character, Function<String, Object> make) {
    assertInvalidArgument(() -> make.apply(character), field, "INVALID_CHARACTERS");
    assertInvalidArgument(() -> make.apply("acct" + character), field, "INVALID_CHARACTERS");
    assertInvalidArgument(() -> make.apply(character + "acct"), field, "INVALID_CHARACTERS");
    assertInvalidArgument(() -> make.apply("ac" + character + "ct"), field, "INVALID_CHARACTERS");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "user:42/ünïcode",
        "客户-42",
        "\ud83d\ude00-smiley", // a surrogate pair is one code point, not two unpaired halves
        "Ωmega_Ελλάδα.1",
        "a-b_c.d:e/f@g+h=i"
      })
  void an_id_keeps_letters_digits_punctuation_and_symbols_of_any_script(String value) {
    assertThat(AccountId.of(value).value()).isEqualTo(value);
    assertThat(RequestId.of(value).toString()).isEqualTo(value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\u0000", "\u001b", "\u0085", "\u009b", "\u200e", "\u202e", "\u2066", "\ufeff", "\u2028"})
  void a_feature_name_refuses_anything_but_its_ascii_alphabet(String character) {
    assertInvalidArgument(
        () -> FeatureCatalog.validFeature("image" + character), "feature", "INVALID_CHARACTERS");
  }

  /** Code points no free text may hold: NUL and the other control characters except tab and line breaks. */
  static Stream<Arguments> unsafeInText() {
    return Stream.of(
        Arguments.of("NUL", "\u0000"),
        Arguments.of("BEL", "\u0007"),
        Arguments.of("backspace", "\b"),
        Arguments.of("vertical tab", "\u000b"),
        Arguments.of("form feed", "\f"),
        Arguments.of("ESC", "\u001b"),
        Arguments.of("DEL", "\u007f"),
        Arguments.of("U+0080 (C1)", "\u0080"),
        Arguments.of("NEL U+0085 (C1)", "\u0085"),
        Arguments.of("CSI U+009B (C1)", "\u009b"),
        Arguments.of("unpaired surrogate", "\ud800"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unsafeInText")
  void free_text_refuses_nul_and_control_characters(String what, String character) {
    assertInvalidArgument(() -> Validate.text("reason", character), "reason", "INVALID_CHARACTER");
    assertInvalidArgument(
        () -> Validate.text("reference", "order " + character + "42"), "reference", "INVALID_CHARACTER");
    assertInvalidArgument(() -> Validate.safeText("metadata", character + "x"), "metadata", "INVALID_CHARACTER");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Goodwill — Ünïcödé ✓ 👍",
        "chargeback under review\nticket 42",
        "columns\tseparated\r\nwindows line",
        "שלום \u200f(RTL mark)",
        "one\u2028two",
        "客户 投诉"
      })
  void free_text_keeps_any_printable_character_tabs_and_line_breaks(String value) {
    assertThat(Validate.text("reason", value)).isEqualTo(value);
  }
}
