package dev.obol.persistence;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/**
 * A row of {@code payments} (V2__payments.sql). The table's key is ({@code account_id}, {@code provider_id});
 * {@link PaymentRepository} never looks a row up by its provider id alone.
 */
@MappedEntity("payments")
public record PaymentRow(
    String accountId,
    @Id String providerId,
    String kind,
    @Nullable String paymentIntentId,
    @Nullable String grantId,
    String asset,
    long grantedAmount,
    long paidAmount,
    @Nullable String currency,
    long reversedAmount,
    long clawedBack,
    long shortfall,
    Instant createdAt,
    Instant updatedAt) {}
