package dev.obol.domain.usecase;

public record GrantReceipt(String grantId, long balance) {}
