package dev.obol.domain.usecase;

import dev.obol.domain.model.DenialReason;

/** @param denialReason null when allowed */
public record CheckOutcome(
    boolean allowed, DenialReason denialReason, long cost, long balance, boolean lowBalance) {}
