package dev.obol.app;

import dev.obol.domain.port.in.PaymentUseCases;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** Wires the payment side (catalog, Stripe checkout and webhook). */
@Factory
public class PaymentFactory {

  @Singleton
  PaymentUseCases paymentUseCases() {
    return new PaymentUseCases() {};
  }
}
