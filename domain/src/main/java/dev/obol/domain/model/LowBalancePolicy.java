package dev.obol.domain.model;

import java.util.EnumMap;
import java.util.Map;

/** A wallet is low when its balance is under the asset's threshold (default 100 tokens, 2000 cents). */
public final class LowBalancePolicy {

  private final Map<Asset, Long> thresholds;

  public LowBalancePolicy(Map<Asset, Long> thresholds) {
    this.thresholds = new EnumMap<>(thresholds);
  }

  public static LowBalancePolicy defaults() {
    return new LowBalancePolicy(Map.of(Asset.TOKEN, 100L, Asset.EUR, 2000L));
  }

  public long threshold(Asset asset) {
    return thresholds.getOrDefault(asset, 0L);
  }

  public boolean isLow(Asset asset, long balance) {
    return balance < threshold(asset);
  }
}
