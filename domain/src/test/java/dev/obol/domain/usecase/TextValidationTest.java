package dev.obol.domain.usecase;

import static dev.obol.domain.testing.ObolAssertions.assertInvalidArgument;
import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.model.Pricing;
import dev.obol.domain.model.RequestId;
import dev.obol.domain.payment.CheckoutCommand;
import dev.obol.domain.payment.Purchase;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command that takes caller text refuses NUL and control characters, naming the field. */
class TextValidationTest {

  static final AccountId ALICE = AccountId.of("alice");
  static final RequestId REQUEST = RequestId.of("req-1");
  static final Pricing IMAGE = Pricing.of("image", 0, null, 0);
  static final String OK_URL = "https://app.example.com/done";

  static GrantCommand grant(String reference, String reason) {
    return new GrantCommand(ALICE, Asset.TOKEN, 5, GrantSource.PROMO, null, null, reference, reason, REQUEST);
  }

  static CheckoutCommand checkout(String successUrl, String cancelUrl, String email) {
    return new CheckoutCommand(ALICE, new Purchase.PackPurchase("basic"), successUrl, cancelUrl, email, REQUEST);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\u0000", "\u001b", "\u007f", "\u0085", "\u009b"})
  void every_free_text_field_refuses_nul_and_control_characters(String bad) {
    assertInvalidArgument(() -> grant(null, "goodwill" + bad), "reason", "INVALID_CHARACTER");
    assertInvalidArgument(() -> grant("inv" + bad + "42", null), "reference", "INVALID_CHARACTER");
    assertInvalidArgument(
        () -> new StatusChangeCommand(ALICE, bad + "fraud", REQUEST), "reason", "INVALID_CHARACTER");
    assertInvalidArgument(
        () -> new ReverseDebitCommand(ALICE, "dbt_1", 0, "refund" + bad, REQUEST), "reason", "INVALID_CHARACTER");
    assertInvalidArgument(
        () -> new DebitCommand(ALICE, IMAGE, REQUEST, Map.of("job" + bad, "42")), "metadata", "INVALID_CHARACTER");
    assertInvalidArgument(
        () -> new DebitCommand(ALICE, IMAGE, REQUEST, Map.of("job", "4" + bad + "2")), "metadata", "INVALID_CHARACTER");
    assertInvalidArgument(() -> checkout(OK_URL + bad, OK_URL, null), "success_url", "INVALID_CHARACTER");
    assertInvalidArgument(() -> checkout(OK_URL, OK_URL + "?x=" + bad, null), "cancel_url", "INVALID_CHARACTER");
    assertInvalidArgument(() -> checkout(OK_URL, OK_URL, "a@example.com" + bad), "customer_email", "INVALID_CHARACTER");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Goodwill — Ünïcödé ✓ 👍", "line one\nline two", "tab\tseparated", "crlf\r\n"})
  void legitimate_text_with_any_script_and_line_breaks_is_kept(String text) {
    assertThat(grant(text, text).reason()).isEqualTo(text);
    assertThat(grant(text, text).reference()).isEqualTo(text);
    assertThat(new StatusChangeCommand(ALICE, text, REQUEST).reason()).isEqualTo(text);
    assertThat(new ReverseDebitCommand(ALICE, "dbt_1", 0, text, REQUEST).reason()).isEqualTo(text);
    assertThat(new DebitCommand(ALICE, IMAGE, REQUEST, Map.of("note", text)).metadata()).containsEntry("note", text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\t", "\n", "\r", "\u00a0", "\u2028"})
  void a_url_or_an_email_with_whitespace_is_not_one(String space) {
    assertInvalidArgument(() -> checkout(OK_URL + space + "x", OK_URL, null), "success_url", "INVALID_URL");
    assertInvalidArgument(() -> checkout(OK_URL, OK_URL, "a" + space + "b@example.com"), "customer_email", "INVALID_EMAIL");
  }
}
