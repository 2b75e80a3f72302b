package dev.obol.domain.model;

import java.time.Instant;

/**
 * One append-only change of one grant. {@code amount} is signed (credits positive); {@code balanceAfter} is the
 * wallet's balance right after this entry, so a balance can be explained entry by entry.
 *
 * @param operationId the debit, reversal or grant this entry belongs to (a debit's entries share its debit id)
 */
public record LedgerEntry(
    AccountId accountId,
    Asset asset,
    String grantId,
    EntryKind kind,
    long amount,
    long balanceAfter,
    String feature,
    String reason,
    String requestId,
    String operationId,
    Instant createdAt) {}
