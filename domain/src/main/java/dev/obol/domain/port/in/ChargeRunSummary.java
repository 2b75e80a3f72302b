package dev.obol.domain.port.in;

import dev.obol.domain.model.ChargePeriod;

/**
 * @param charged accounts whose fee was debited in this run
 * @param failed accounts whose fee could not be paid (now owed)
 * @param skipped accounts already charged for the period, or with no fee any more
 */
public record ChargeRunSummary(ChargePeriod period, long charged, long failed, long skipped) {}
