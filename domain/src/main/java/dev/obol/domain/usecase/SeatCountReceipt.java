package dev.obol.domain.usecase;

public record SeatCountReceipt(long seatCount, long monthlyFeeCents) {}
