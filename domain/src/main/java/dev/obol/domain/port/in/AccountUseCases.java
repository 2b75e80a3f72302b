package dev.obol.domain.port.in;

/** Per-seat plans and account standing: seat counts, monthly charges, suspension. */
public interface AccountUseCases {}
