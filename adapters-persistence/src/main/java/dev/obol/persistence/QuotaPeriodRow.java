package dev.obol.persistence;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/**
 * A row of {@code quota_periods} (V2__payments.sql). The table's key is ({@code account_id}, {@code subscription_id},
 * {@code period_start}); {@link QuotaPeriodRepository} never looks a row up by its start alone.
 */
@MappedEntity("quota_periods")
public record QuotaPeriodRow(
    String accountId,
    String subscriptionId,
    @Id Instant periodStart,
    Instant periodEnd,
    String quotaGrantId,
    @Nullable String rolloverGrantId,
    String source,
    Instant createdAt) {}
