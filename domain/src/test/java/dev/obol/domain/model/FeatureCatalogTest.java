package dev.obol.domain.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.error.NotFoundException;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FeatureCatalogTest {

  @ParameterizedTest
  @CsvSource({
    "image, 50",
    "audio, 25",
    "video, 10",
    "article, 3",
    "ai.generate, 5",
    "ai.generate.hd, 10",
    "3d.render-highres, 8",
    "ar.convert-2d-to-3d, 15"
  })
  void the_defaults_carry_the_source_systems_prices_in_tokens(String feature, long cost) {
    assertThat(FeatureCatalog.defaults().price(feature)).isEqualTo(new FeaturePrice(feature, Asset.TOKEN, cost));
  }

  @Test
  void an_unknown_feature_costs_the_default_price_when_there_is_one() {
    assertThat(FeatureCatalog.defaults().price("translation"))
        .isEqualTo(new FeaturePrice("translation", Asset.TOKEN, 30));
  }

  @Test
  void an_unknown_feature_is_not_found_without_a_default_price() {
    FeatureCatalog catalog = new FeatureCatalog(Map.of("image", 50L), OptionalLong.empty());

    assertThat(catalog.price("image").cost()).isEqualTo(50);
    assertThatThrownBy(() -> catalog.price("translation"))
        .isInstanceOfSatisfying(
            NotFoundException.class, e -> assertThat(e.reason()).isEqualTo("FEATURE_NOT_FOUND"))
        .hasMessageContaining("translation");
  }

  @Test
  void lists_features_sorted_by_name() {
    FeatureCatalog catalog = FeatureCatalog.defaults();

    assertThat(catalog.features())
        .extracting(FeaturePrice::feature)
        .containsExactly(
            "3d.render-highres", "ai.generate", "ai.generate.hd", "ar.convert-2d-to-3d", "article", "audio",
            "image", "video");
    assertThat(catalog.defaultPrice()).hasValue(30);
  }

  @Test
  void keeps_its_own_copy_of_the_prices() {
    Map<String, Long> prices = new HashMap<>(Map.of("image", 50L));
    FeatureCatalog catalog = new FeatureCatalog(prices, OptionalLong.empty());

    prices.put("image", 1L);
    prices.put("audio", 2L);

    assertThat(catalog.price("image").cost()).isEqualTo(50);
    assertThat(catalog.features()).hasSize(1);
  }

  @Test
  void refuses_prices_that_are_not_positive() {
    assertThatThrownBy(() -> new FeatureCatalog(Map.of("image", 0L), OptionalLong.empty()))
        .isInstanceOfSatisfying(InvalidArgumentException.class, e -> assertThat(e.field()).isEqualTo("cost"));
    assertThatThrownBy(() -> new FeatureCatalog(Map.of("image", -5L), OptionalLong.empty()))
        .isInstanceOfSatisfying(
            InvalidArgumentException.class, e -> assertThat(e.reason()).isEqualTo("AMOUNT_NOT_POSITIVE"));
    assertThatThrownBy(() -> new FeatureCatalog(Map.of(), OptionalLong.of(0)))
        .isInstanceOfSatisfying(
            InvalidArgumentException.class, e -> assertThat(e.field()).isEqualTo("default_price"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "image", "AI.generate_v2", "ns:feature/sub-part", "0123456789"})
  void accepts_feature_names_of_letters_digits_and_punctuation(String feature) {
    assertThat(FeatureCatalog.validFeature(feature)).isEqualTo(feature);
  }

  @Test
  void feature_names_are_at_most_64_characters() {
    assertThat(FeatureCatalog.validFeature("f".repeat(64))).hasSize(64);
    assertInvalidFeature("f".repeat(65), "FIELD_TOO_LONG");
  }

  @ParameterizedTest
  @ValueSource(strings = {"with space", "tab\there", "ümlaut", "semi;colon", "new\nline", "emoji\uD83D\uDE00"})
  void refuses_other_characters_in_feature_names(String feature) {
    assertInvalidFeature(feature, "INVALID_CHARACTERS");
  }

  @Test
  void a_feature_name_is_required() {
    assertInvalidFeature("", "MISSING_FIELD");
    assertInvalidFeature(null, "MISSING_FIELD");
  }

  @Test
  void the_catalog_refuses_invalid_feature_names() {
    assertThatThrownBy(() -> new FeatureCatalog(Map.of("bad name", 5L), OptionalLong.empty()))
        .isInstanceOfSatisfying(InvalidArgumentException.class, e -> assertThat(e.field()).isEqualTo("feature"));
  }

  private static void assertInvalidFeature(String feature, String reason) {
    assertThatThrownBy(() -> FeatureCatalog.validFeature(feature))
        .isInstanceOfSatisfying(
            InvalidArgumentException.class,
            e -> {
              assertThat(e.field()).isEqualTo("feature");
              assertThat(e.reason()).isEqualTo(reason);
            });
  }
}
