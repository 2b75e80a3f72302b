package dev.obol.domain.model;

/**
 * A ledger entry as stored, with its position in the account's ledger.
 *
 * @param keyId the API key whose call wrote it; null for Obol's own writes (webhook, jobs)
 */
public record RecordedEntry(long entryId, LedgerEntry entry, String keyId) {

  public RecordedEntry(long entryId, LedgerEntry entry) {
    this(entryId, entry, null);
  }
}
