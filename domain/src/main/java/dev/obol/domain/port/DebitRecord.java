package dev.obol.domain.port;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.RequestId;
import java.time.Instant;
import java.util.Map;

/** @param feature null for a direct amount */
public record DebitRecord(
    String debitId,
    AccountId accountId,
    Asset asset,
    String feature,
    long amount,
    Map<String, String> metadata,
    RequestId requestId,
    Instant createdAt) {}
