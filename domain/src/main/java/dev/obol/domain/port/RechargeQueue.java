package dev.obol.domain.port;

import dev.obol.domain.payment.RechargeAttempt;
import java.time.Instant;
import java.util.List;

/**
 * The recharge attempts waiting to be handed to the provider, across accounts. Claiming leases them (their next try
 * moves to the lease's end, their tries are counted), so two instances never hand one over at the same moment, and a
 * crash mid-call only delays it until the lease ends; the idempotency key makes a second hand-over harmless anyway.
 */
public interface RechargeQueue {

  List<RechargeAttempt> claimDue(Instant now, Instant leaseUntil, int limit);
}
