package dev.obol.domain.usecase;

public record ReversalReceipt(long reversed, long balance) {}
