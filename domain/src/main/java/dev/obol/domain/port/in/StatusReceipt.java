package dev.obol.domain.port.in;

import dev.obol.domain.model.AccountStatus;

public record StatusReceipt(AccountStatus status) {}
