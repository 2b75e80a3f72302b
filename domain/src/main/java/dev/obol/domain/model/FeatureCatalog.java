package dev.obol.domain.model;

import dev.obol.domain.error.InvalidArgumentException;
import dev.obol.domain.error.NotFoundException;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Feature prices, in tokens. A feature not listed costs the default price when there is one (the seeds' "other
 * modules" cost 30); without a default an unknown feature is NOT_FOUND rather than silently free.
 */
public final class FeatureCatalog {

  public static final int FEATURE_LENGTH_MAX = 64;

  private final Map<String, Long> prices;
  private final OptionalLong defaultPrice;

  public FeatureCatalog(Map<String, Long> prices, OptionalLong defaultPrice) {
    TreeMap<String, Long> copy = new TreeMap<>();
    prices.forEach(
        (feature, cost) -> copy.put(validFeature(feature), Validate.positive("cost", cost)));
    defaultPrice.ifPresent(cost -> Validate.positive("default_price", cost));
    this.prices = copy;
    this.defaultPrice = defaultPrice;
  }

  /** The seeds' prices: the AI-module tokens, the KV store's article, the per-endpoint AI credits. */
  public static FeatureCatalog defaults() {
    return new FeatureCatalog(
        Map.of(
            "image", 50L,
            "audio", 25L,
            "video", 10L,
            "article", 3L,
            "ai.generate", 5L,
            "ai.generate.hd", 10L,
            "3d.render-highres", 8L,
            "ar.convert-2d-to-3d", 15L),
        OptionalLong.of(30));
  }

  public FeaturePrice price(String feature) {
    Long cost = prices.get(feature);
    if (cost != null) {
      return new FeaturePrice(feature, Asset.TOKEN, cost);
    }
    if (defaultPrice.isPresent()) {
      return new FeaturePrice(feature, Asset.TOKEN, defaultPrice.getAsLong());
    }
    throw new NotFoundException("FEATURE_NOT_FOUND", "feature '" + feature + "' is not in the catalog");
  }

  /** Listed features, sorted by name. */
  public List<FeaturePrice> features() {
    return prices.entrySet().stream()
        .map(e -> new FeaturePrice(e.getKey(), Asset.TOKEN, e.getValue()))
        .toList();
  }

  public OptionalLong defaultPrice() {
    return defaultPrice;
  }

  /** Feature names: 1..64 characters of letters, digits and {@code . _ - : /}. */
  public static String validFeature(String feature) {
    if (feature == null || feature.isEmpty()) {
      throw new InvalidArgumentException("feature", "MISSING_FIELD", "feature is required");
    }
    if (feature.length() > FEATURE_LENGTH_MAX) {
      throw new InvalidArgumentException(
          "feature", "FIELD_TOO_LONG", "feature is longer than " + FEATURE_LENGTH_MAX + " characters");
    }
    for (int i = 0; i < feature.length(); i++) {
      char c = feature.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || ".-_:/".indexOf(c) >= 0;
      if (!ok) {
        throw new InvalidArgumentException(
            "feature", "INVALID_CHARACTERS", "feature may only use letters, digits and . - _ : /");
      }
    }
    return feature;
  }
}
