package dev.obol.domain.port.in;

public record GrantReceipt(String grantId, long balance) {}
