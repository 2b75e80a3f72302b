package dev.obol.domain.usecase;

import dev.obol.domain.model.AccountStatus;

public record StatusReceipt(AccountStatus status) {}
