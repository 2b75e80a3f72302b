package dev.obol.persistence;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.util.List;

/** The ledger's history. Append-only: nothing here writes (see {@link PendingWrites}). */
@DatabaseCall
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface LedgerEntryRepository extends GenericRepository<LedgerEntryRow, Long> {

  /**
   * A page of the account's entries, newest first, before the cursor {@code beforeEntryId}; a null asset or feature
   * does not filter. The casts give PostgreSQL the type of a parameter that is only compared with null.
   */
  @Query(
      "SELECT * FROM ledger_entries WHERE account_id = :accountId AND entry_id < :beforeEntryId"
          + " AND (CAST(:asset AS text) IS NULL OR asset = :asset)"
          + " AND (CAST(:feature AS text) IS NULL OR feature = :feature)"
          + " ORDER BY entry_id DESC LIMIT :limit")
  List<LedgerEntryRow> page(
      String accountId, long beforeEntryId, @Nullable String asset, @Nullable String feature, int limit);

  /** How much of the grant its EXPIRY entries took, as a positive amount (0 when none). */
  @Query(
      "SELECT -coalesce(sum(amount), 0) FROM ledger_entries"
          + " WHERE account_id = :accountId AND grant_id = :grantId AND kind = 'EXPIRY'")
  long expiredFrom(String accountId, String grantId);
}
