package dev.obol.domain.port.in;

/** Buying credit through the payment provider: the catalog of packs and plans, and checkout sessions. */
public interface PaymentUseCases {}
