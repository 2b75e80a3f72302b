package dev.obol.persistence;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/** A row of {@code accounts} (V1__wallet_core.sql) as {@link AccountRepository} reads it, outside any lock. */
@MappedEntity("accounts")
public record AccountRow(@Id String accountId, String status, Instant createdAt) {}
