package dev.obol.domain.payment;

import dev.obol.domain.model.Validate;

/** What a checkout buys: exactly one of a pack, a plan or a money top-up. */
public sealed interface Purchase {

  record PackPurchase(String pack) implements Purchase {
    public PackPurchase {
      Validate.id("pack", pack);
    }
  }

  record PlanPurchase(String plan) implements Purchase {
    public PlanPurchase {
      Validate.id("plan", plan);
    }
  }

  /** @param amount cents */
  record TopUpPurchase(long amountCents) implements Purchase {}
}
