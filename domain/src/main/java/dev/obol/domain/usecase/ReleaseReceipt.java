package dev.obol.domain.usecase;

/** @param balance the available balance after */
public record ReleaseReceipt(long released, long balance) {}
