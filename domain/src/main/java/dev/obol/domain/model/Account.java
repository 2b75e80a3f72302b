package dev.obol.domain.model;

import java.time.Instant;

public record Account(AccountId id, AccountStatus status, Instant createdAt) {}
