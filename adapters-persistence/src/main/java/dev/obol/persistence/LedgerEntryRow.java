package dev.obol.persistence;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/**
 * A row of {@code ledger_entries} (V1__wallet_core.sql, {@code key_id} from V5__api_keys.sql, {@code held_change} from V7__holds.sql) as the ledger listing
 * reads it. Entries are written by the hot path ({@link PendingWrites}), never through a repository. The table's key
 * is ({@code account_id}, {@code entry_id}); {@link LedgerEntryRepository} always reads by account.
 */
@MappedEntity("ledger_entries")
public record LedgerEntryRow(
    String accountId,
    @Id long entryId,
    String asset,
    String grantId,
    String kind,
    long amount,
    long balanceAfter,
    @Nullable String feature,
    @Nullable String reason,
    @Nullable String requestId,
    @Nullable String operationId,
    Instant createdAt,
    @Nullable String keyId,
    long heldChange) {}
