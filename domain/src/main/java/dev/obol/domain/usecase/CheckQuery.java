package dev.obol.domain.usecase;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Pricing;

public record CheckQuery(AccountId accountId, Pricing pricing) {}
