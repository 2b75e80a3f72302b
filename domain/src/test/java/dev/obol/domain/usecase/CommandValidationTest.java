package dev.obol.domain.usecase;

import static dev.obol.domain.testing.ObolAssertions.assertInvalidArgument;
import static org.assertj.core.api.Assertions.assertThat;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.model.Pricing;
import dev.obol.domain.model.RequestId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandValidationTest {

  static final AccountId ALICE = AccountId.of("alice");
  static final RequestId REQUEST = RequestId.of("req-1");
  static final Pricing IMAGE = Pricing.of("image", 0, null, 0);

  static GrantCommand grant(long amount, Integer priority, String reason) {
    return new GrantCommand(ALICE, Asset.TOKEN, amount, GrantSource.PURCHASE, priority, null, null, reason, REQUEST);
  }

  @Test
  void a_grant_needs_a_positive_amount_an_asset_and_a_source() {
    assertInvalidArgument(() -> grant(0, null, null), "amount", "AMOUNT_NOT_POSITIVE");
    assertInvalidArgument(
        () -> new GrantCommand(ALICE, null, 5, GrantSource.PURCHASE, null, null, null, null, REQUEST),
        "asset",
        "MISSING_FIELD");
    assertInvalidArgument(
        () -> new GrantCommand(ALICE, Asset.TOKEN, 5, null, null, null, null, null, REQUEST), "source", "MISSING_FIELD");
  }

  @Test
  void a_grant_priority_is_zero_or_more_and_defaults_by_source() {
    assertInvalidArgument(() -> grant(5, -1, null), "priority", "PRIORITY_NEGATIVE");
    assertThat(grant(5, 0, null).effectivePriority()).isZero();
    assertThat(grant(5, null, null).effectivePriority()).isEqualTo(100);
    assertThat(
            new GrantCommand(ALICE, Asset.TOKEN, 5, GrantSource.SUBSCRIPTION_QUOTA, null, null, null, null, REQUEST)
                .effectivePriority())
        .isEqualTo(10);
  }

  @Test
  void grant_texts_are_bounded_and_empty_means_none() {
    assertInvalidArgument(() -> grant(5, null, "r".repeat(513)), "reason", "FIELD_TOO_LONG");
    assertThat(grant(5, null, "r".repeat(512)).reason()).hasSize(512);
    assertThat(grant(5, null, "").reason()).isNull();
  }

  @Test
  void the_short_factory_and_its_withers_build_the_canonical_command() {
    java.time.Instant expiry = java.time.Instant.parse("2030-01-01T00:00:00Z");
    assertThat(GrantCommand.of(ALICE, Asset.TOKEN, 5, GrantSource.PURCHASE, "why", REQUEST))
        .isEqualTo(new GrantCommand(ALICE, Asset.TOKEN, 5, GrantSource.PURCHASE, null, null, null, "why", REQUEST));
    assertThat(
            GrantCommand.of(ALICE, Asset.TOKEN, 5, GrantSource.PURCHASE, "why", REQUEST)
                .withPriority(3)
                .withExpiry(expiry)
                .withReference("cs_1"))
        .isEqualTo(new GrantCommand(ALICE, Asset.TOKEN, 5, GrantSource.PURCHASE, 3, expiry, "cs_1", "why", REQUEST));
    assertInvalidArgument(() -> grant(5, null, null).withPriority(-1), "priority", "PRIORITY_NEGATIVE");
  }

  @Test
  void the_default_priority_and_an_explicit_equal_one_are_the_same_grant() {
    assertThat(grant(5, null, null).fingerprint()).isEqualTo(grant(5, 100, null).fingerprint());
    assertThat(grant(5, null, null).fingerprint()).isNotEqualTo(grant(6, null, null).fingerprint());
  }

  @Test
  void debit_metadata_is_bounded_and_its_order_does_not_matter() {
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 17; i++) {
      many.put("k" + i, "v");
    }
    assertInvalidArgument(() -> new DebitCommand(ALICE, IMAGE, REQUEST, many), "metadata", "TOO_MANY_ENTRIES");
    assertInvalidArgument(() -> new DebitCommand(ALICE, IMAGE, REQUEST, Map.of("", "v")), "metadata", "INVALID_METADATA_KEY");
    assertInvalidArgument(
        () -> new DebitCommand(ALICE, IMAGE, REQUEST, Map.of("k".repeat(65), "v")), "metadata",
        "INVALID_METADATA_KEY");
    assertInvalidArgument(
        () -> new DebitCommand(ALICE, IMAGE, REQUEST, Map.of("k", "v".repeat(257))), "metadata", "FIELD_TOO_LONG");

    Map<String, String> ab = new LinkedHashMap<>();
    ab.put("a", "1");
    ab.put("b", "2");
    Map<String, String> ba = new LinkedHashMap<>();
    ba.put("b", "2");
    ba.put("a", "1");
    assertThat(new DebitCommand(ALICE, IMAGE, REQUEST, ab).fingerprint())
        .isEqualTo(new DebitCommand(ALICE, IMAGE, REQUEST, ba).fingerprint());
    assertThat(new DebitCommand(ALICE, IMAGE, REQUEST, null).metadata()).isEmpty();
  }

  @Test
  void a_debit_fingerprint_ignores_the_request_id_but_not_the_payload() {
    DebitCommand debit = new DebitCommand(ALICE, IMAGE, REQUEST, Map.of());

    assertThat(new DebitCommand(ALICE, IMAGE, RequestId.of("other"), Map.of()).fingerprint())
        .isEqualTo(debit.fingerprint());
    assertThat(new DebitCommand(ALICE, Pricing.of("audio", 0, null, 0), REQUEST, Map.of()).fingerprint())
        .isNotEqualTo(debit.fingerprint());
    assertThat(new DebitCommand(ALICE, Pricing.of("image", 2, null, 0), REQUEST, Map.of()).fingerprint())
        .isNotEqualTo(debit.fingerprint());
  }

  @Test
  void a_reversal_names_a_valid_debit_and_a_non_negative_amount() {
    assertInvalidArgument(() -> new ReverseDebitCommand(ALICE, "", 0, null, REQUEST), "debit_id", "MISSING_FIELD");
    assertInvalidArgument(() -> new ReverseDebitCommand(ALICE, "d 1", 0, null, REQUEST), "debit_id", "INVALID_CHARACTERS");
    assertInvalidArgument(() -> new ReverseDebitCommand(ALICE, "d1", -1, null, REQUEST), "amount", "AMOUNT_NEGATIVE");
  }

  @Test
  void a_ledger_query_bounds_its_page_size_and_checks_its_feature() {
    assertInvalidArgument(() -> new LedgerQuery(ALICE, null, null, -1, null), "page_size", "PAGE_SIZE_OUT_OF_RANGE");
    assertInvalidArgument(() -> new LedgerQuery(ALICE, null, null, 501, null), "page_size", "PAGE_SIZE_OUT_OF_RANGE");
    assertThat(new LedgerQuery(ALICE, null, null, 500, null).effectivePageSize()).isEqualTo(500);
    assertThat(new LedgerQuery(ALICE, null, null, 0, null).effectivePageSize()).isEqualTo(50);
    assertThat(new LedgerQuery(ALICE, null, "", 0, null).feature()).isNull();
    assertInvalidArgument(() -> new LedgerQuery(ALICE, null, "bad feature", 0, null), "feature", "INVALID_CHARACTERS");
  }

  @Test
  void a_page_token_round_trips_and_a_forged_one_is_invalid() {
    assertThat(new LedgerQuery(ALICE, null, null, 0, LedgerQuery.tokenAfter(42)).beforeEntryId()).isEqualTo(42);
    assertThat(new LedgerQuery(ALICE, null, null, 0, null).beforeEntryId()).isEqualTo(Long.MAX_VALUE);
    assertThat(new LedgerQuery(ALICE, null, null, 0, "").beforeEntryId()).isEqualTo(Long.MAX_VALUE);
    for (String forged : new String[] {"%%%", "eDo0Mg", "ZTphYmM"}) {
      assertInvalidArgument(
          () -> new LedgerQuery(ALICE, null, null, 0, forged).beforeEntryId(), "page_token", "INVALID_PAGE_TOKEN");
    }
  }
}
