package dev.obol.domain.payment;

import dev.obol.domain.model.Asset;
import dev.obol.domain.model.GrantSource;

/** What a payment bought, and so what it grants. */
public enum PaymentKind {
  TOKEN_PACK(Asset.TOKEN, GrantSource.PURCHASE),
  TOP_UP(Asset.EUR, GrantSource.TOP_UP),
  SUBSCRIPTION_INVOICE(Asset.TOKEN, GrantSource.SUBSCRIPTION_QUOTA);

  private final Asset asset;
  private final GrantSource source;

  PaymentKind(Asset asset, GrantSource source) {
    this.asset = asset;
    this.source = source;
  }

  public Asset asset() {
    return asset;
  }

  public GrantSource source() {
    return source;
  }
}
