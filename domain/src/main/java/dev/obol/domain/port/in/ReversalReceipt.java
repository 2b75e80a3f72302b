package dev.obol.domain.port.in;

public record ReversalReceipt(long reversed, long balance) {}
