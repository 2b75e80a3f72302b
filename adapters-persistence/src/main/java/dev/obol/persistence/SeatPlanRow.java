package dev.obol.persistence;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/** A row of {@code seat_plans} (V3__seat_fees.sql), as {@link SeatPlanRepository} reads it. */
@MappedEntity("seat_plans")
public record SeatPlanRow(
    @Id String accountId,
    long seatCount,
    boolean lowBalanceAlerted,
    @Nullable String lowBalanceNotifiedIn,
    @Nullable String statusReason,
    Instant updatedAt) {}
