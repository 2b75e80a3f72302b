package dev.obol.domain.payment;

import dev.obol.domain.model.Validate;

/**
 * A one-time token pack.
 *
 * @param stripePriceId null: checkout sends the price inline ({@code price_data})
 */
public record Pack(String name, long tokens, long priceCents, String currency, String stripePriceId) {

  public Pack {
    Validate.id("pack", name);
    Validate.positive("tokens", tokens);
    Validate.positive("price_amount", priceCents);
    Validate.id("currency", currency);
  }
}
