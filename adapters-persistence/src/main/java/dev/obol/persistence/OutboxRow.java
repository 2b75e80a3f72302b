package dev.obol.persistence;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.model.DataType;
import java.time.Instant;

/**
 * A claimed row of {@code outbox} (V3__seat_fees.sql), the columns the relay needs. The table's key is
 * ({@code account_id}, {@code event_id}); {@link OutboxRepository} never looks a row up by its event id alone.
 */
@MappedEntity("outbox")
public record OutboxRow(
    String accountId,
    @Id String eventId,
    String type,
    String body,
    int attempts,
    @TypeDef(type = DataType.STRING_ARRAY) String[] deliveredTo,
    Instant createdAt) {}
