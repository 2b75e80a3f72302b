package dev.obol.domain.model;

public record FeaturePrice(String feature, Asset asset, long cost) {

  public FeaturePrice {
    Validate.positive("cost", cost);
  }
}
