package dev.obol.domain.model;

import static dev.obol.domain.testing.ObolAssertions.assertInvalidArgument;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.obol.domain.error.NotFoundException;
import dev.obol.domain.model.Pricing.ByAmount;
import dev.obol.domain.model.Pricing.ByFeature;
import dev.obol.domain.model.Pricing.Charge;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PricingTest {

  static final FeatureCatalog CATALOG = FeatureCatalog.defaults();
  static final FeatureCatalog NO_DEFAULT = new FeatureCatalog(Map.of("image", 50L), OptionalLong.empty());

  @Test
  void a_feature_is_priced_from_the_catalog_times_the_quantity() {
    assertThat(Pricing.of("image", 3, null, 0).resolve(CATALOG)).isEqualTo(new Charge(Asset.TOKEN, 150, "image"));
  }

  @Test
  void a_quantity_of_zero_means_one() {
    Pricing pricing = Pricing.of("image", 0, null, 0);

    assertThat(pricing).isEqualTo(new ByFeature("image", 1));
    assertThat(pricing.resolve(CATALOG)).isEqualTo(new Charge(Asset.TOKEN, 50, "image"));
  }

  @Test
  void a_direct_amount_is_charged_as_given_without_a_feature() {
    Pricing pricing = Pricing.of(null, 0, Asset.EUR, 500);

    assertThat(pricing).isEqualTo(new ByAmount(Asset.EUR, 500));
    assertThat(pricing.resolve(CATALOG)).isEqualTo(new Charge(Asset.EUR, 500, null));
    assertThat(Pricing.of("", 0, Asset.TOKEN, 7)).isEqualTo(new ByAmount(Asset.TOKEN, 7));
  }

  @Test
  void both_a_feature_and_an_amount_conflict() {
    assertInvalidArgument(() -> Pricing.of("image", 1, Asset.TOKEN, 50), "feature", "CONFLICTING_FIELDS");
    assertInvalidArgument(() -> Pricing.of("image", 1, Asset.TOKEN, 0), "feature", "CONFLICTING_FIELDS");
    assertInvalidArgument(() -> Pricing.of("image", 1, null, 50), "feature", "CONFLICTING_FIELDS");
  }

  @Test
  void neither_a_feature_nor_an_amount_is_missing() {
    assertInvalidArgument(() -> Pricing.of(null, 0, null, 0), "feature", "MISSING_FIELD");
    assertInvalidArgument(() -> Pricing.of("", 0, null, 0), "feature", "MISSING_FIELD");
  }

  @Test
  void a_quantity_applies_to_a_feature_only() {
    assertInvalidArgument(() -> Pricing.of(null, 2, Asset.TOKEN, 50), "quantity", "CONFLICTING_FIELDS");
  }

  @Test
  void a_negative_quantity_is_invalid() {
    assertInvalidArgument(() -> Pricing.of("image", -1, null, 0), "quantity", "AMOUNT_NOT_POSITIVE");
    assertInvalidArgument(() -> new ByFeature("image", 0), "quantity", "AMOUNT_NOT_POSITIVE");
  }

  @Test
  void a_quantity_is_bounded() {
    assertThat(Pricing.of("article", Pricing.QUANTITY_MAX, null, 0).resolve(CATALOG).amount()).isEqualTo(3_000_000);
    assertInvalidArgument(() -> Pricing.of("article", Pricing.QUANTITY_MAX + 1, null, 0), "quantity", "QUANTITY_TOO_LARGE");
  }

  @Test
  void a_negative_or_assetless_amount_is_invalid() {
    assertInvalidArgument(() -> Pricing.of(null, 0, Asset.TOKEN, -5), "amount", "AMOUNT_NOT_POSITIVE");
    assertInvalidArgument(() -> Pricing.of(null, 0, null, 5), "asset", "MISSING_FIELD");
  }

  @Test
  void an_invalid_feature_name_is_invalid() {
    assertInvalidArgument(() -> Pricing.of("bad feature", 1, null, 0), "feature", "INVALID_CHARACTERS");
  }

  @Test
  void a_price_times_quantity_beyond_64_bits_is_an_overflow() {
    FeatureCatalog expensive = new FeatureCatalog(Map.of("gold", Long.MAX_VALUE / 2), OptionalLong.empty());

    assertThat(Pricing.of("gold", 2, null, 0).resolve(expensive).amount()).isEqualTo(Long.MAX_VALUE - 1);
    assertInvalidArgument(() -> Pricing.of("gold", 3, null, 0).resolve(expensive), "quantity", "AMOUNT_OVERFLOW");
  }

  @Test
  void an_unknown_feature_costs_the_default_price_or_is_not_found() {
    assertThat(Pricing.of("translation", 2, null, 0).resolve(CATALOG))
        .isEqualTo(new Charge(Asset.TOKEN, 60, "translation"));
    assertThatThrownBy(() -> Pricing.of("translation", 1, null, 0).resolve(NO_DEFAULT))
        .isInstanceOfSatisfying(
            NotFoundException.class, e -> assertThat(e.reason()).isEqualTo("FEATURE_NOT_FOUND"));
  }
}
