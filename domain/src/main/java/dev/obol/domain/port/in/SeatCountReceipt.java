package dev.obol.domain.port.in;

public record SeatCountReceipt(long seatCount, long monthlyFeeCents) {}
