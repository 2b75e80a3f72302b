package dev.obol.persistence;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/**
 * A row of {@code seat_charges} (V3__seat_fees.sql). The table's key is ({@code account_id}, {@code period});
 * {@link SeatChargeRepository} never looks a row up by its period alone.
 */
@MappedEntity("seat_charges")
public record SeatChargeRow(
    String accountId,
    @Id String period,
    String chargeId,
    long seatCount,
    long fee,
    String outcome,
    Instant chargedAt,
    @Nullable Instant paidAt) {}
