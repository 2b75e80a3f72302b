package dev.obol.app;

import dev.obol.domain.port.in.AccountUseCases;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/** Wires per-seat plans, standing, the monthly charge and notifications. */
@Factory
public class SeatFeeFactory {

  @Singleton
  AccountUseCases accountUseCases() {
    return new AccountUseCases() {};
  }
}
