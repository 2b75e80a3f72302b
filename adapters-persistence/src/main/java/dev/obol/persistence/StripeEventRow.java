package dev.obol.persistence;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/** A row of {@code stripe_events} (V2__payments.sql), as {@link StripeEventRepository} reads it. */
@MappedEntity("stripe_events")
public record StripeEventRow(
    @Id String eventId,
    String type,
    @Nullable String accountId,
    String payload,
    String outcome,
    @Nullable String detail,
    Instant createdAt,
    Instant receivedAt) {}
