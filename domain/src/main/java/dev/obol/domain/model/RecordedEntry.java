package dev.obol.domain.model;

/** A ledger entry as stored, with its position in the account's ledger. */
public record RecordedEntry(long entryId, LedgerEntry entry) {}
