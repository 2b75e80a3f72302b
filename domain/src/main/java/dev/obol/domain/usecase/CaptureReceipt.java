package dev.obol.domain.usecase;

/**
 * @param debited what the capture debited (the held part and any allowed overage); a debit like any other, reversible
 *     by its {@code debitId}
 * @param released what was held and given back
 * @param balance the available balance after
 */
public record CaptureReceipt(String debitId, long debited, long released, long balance) {}
