package dev.obol.app;

import dev.obol.domain.model.FeatureCatalog;
import dev.obol.domain.model.Validate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Parses the feature price list from configuration: {@code name=tokens} pairs separated by commas. A flat string
 * because feature names contain dots ({@code ai.generate.hd}), which property keys would split into levels.
 */
final class CatalogConfig {

  private CatalogConfig() {}

  static FeatureCatalog parse(String features, String defaultPrice) {
    Map<String, Long> prices = new LinkedHashMap<>();
    for (String pair : features.split(",")) {
      String trimmed = pair.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      int eq = trimmed.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("obol.catalog.features: expected name=tokens, got '" + trimmed + "'");
      }
      prices.put(trimmed.substring(0, eq).trim(), Long.parseLong(trimmed.substring(eq + 1).trim()));
    }
    OptionalLong fallback =
        defaultPrice == null || defaultPrice.isBlank()
            ? OptionalLong.empty()
            : OptionalLong.of(Validate.positive("default_price", Long.parseLong(defaultPrice.trim())));
    return new FeatureCatalog(prices, fallback);
  }
}
