package dev.obol.persistence;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/**
 * A row of {@code subscriptions} (V2__payments.sql). The table's key is ({@code account_id},
 * {@code subscription_id}); {@link SubscriptionRepository} never looks a row up by its subscription id alone.
 */
@MappedEntity("subscriptions")
public record SubscriptionRow(
    String accountId,
    @Id String subscriptionId,
    @Nullable String customerId,
    String plan,
    long monthlyTokens,
    long rolloverCap,
    String billingInterval,
    String status,
    @Nullable Instant paidFrom,
    @Nullable Instant paidUntil,
    @Nullable Instant nextPeriodAt,
    Instant createdAt,
    Instant updatedAt) {}
