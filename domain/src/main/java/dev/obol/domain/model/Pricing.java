package dev.obol.domain.model;

import dev.obol.domain.error.InvalidArgumentException;

/** How a debit names its cost: a catalog feature times a quantity, or a direct amount of an asset. */
public sealed interface Pricing {

  /** Upper bound on a quantity: larger numbers are a client bug, not a purchase. */
  long QUANTITY_MAX = 1_000_000;

  record ByFeature(String feature, long quantity) implements Pricing {
    public ByFeature {
      FeatureCatalog.validFeature(feature);
      if (quantity <= 0) {
        throw new InvalidArgumentException("quantity", "AMOUNT_NOT_POSITIVE", "quantity must be greater than 0");
      }
      if (quantity > QUANTITY_MAX) {
        throw new InvalidArgumentException("quantity", "QUANTITY_TOO_LARGE", "quantity must be at most " + QUANTITY_MAX);
      }
    }
  }

  record ByAmount(Asset asset, long amount) implements Pricing {
    public ByAmount {
      Validate.required("asset", asset);
      Validate.positive("amount", amount);
    }
  }

  /**
   * From the API's fields: exactly one of {@code feature} or {@code asset} + {@code amount}. A quantity of 0 means 1.
   *
   * @param asset null when not given
   */
  static Pricing of(String feature, long quantity, Asset asset, long amount) {
    boolean hasFeature = feature != null && !feature.isEmpty();
    boolean hasAmount = asset != null || amount != 0;
    if (hasFeature && hasAmount) {
      throw new InvalidArgumentException(
          "feature", "CONFLICTING_FIELDS", "give either feature (and quantity) or asset and amount, not both");
    }
    if (!hasFeature && !hasAmount) {
      throw new InvalidArgumentException(
          "feature", "MISSING_FIELD", "give either feature (and quantity) or asset and amount");
    }
    if (hasFeature) {
      return new ByFeature(feature, quantity == 0 ? 1 : quantity);
    }
    if (quantity != 0) {
      throw new InvalidArgumentException("quantity", "CONFLICTING_FIELDS", "quantity applies to a feature only");
    }
    return new ByAmount(asset, amount);
  }

  /** The asset and amount this pricing costs under {@code catalog}. */
  default Charge resolve(FeatureCatalog catalog) {
    if (this instanceof ByFeature f) {
      FeaturePrice price = catalog.price(f.feature());
      try {
        return new Charge(price.asset(), Math.multiplyExact(price.cost(), f.quantity()), f.feature());
      } catch (ArithmeticException e) {
        throw Validate.overflow("quantity");
      }
    }
    ByAmount a = (ByAmount) this;
    return new Charge(a.asset(), a.amount(), null);
  }

  /** A priced debit. {@code feature} is null for a direct amount. */
  record Charge(Asset asset, long amount, String feature) {}
}
