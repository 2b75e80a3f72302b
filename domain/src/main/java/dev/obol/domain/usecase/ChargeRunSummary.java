package dev.obol.domain.usecase;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.ChargePeriod;
import java.util.List;

/**
 * @param charged accounts whose fee was debited in this run
 * @param failed accounts whose fee could not be paid (now owed)
 * @param skipped accounts already charged for the period, or with no fee any more
 * @param errored accounts whose charge failed unexpectedly (e.g. a database error) and rolled back; a re-run retries
 *     them. The run goes on with the other accounts.
 * @param erroredAccountIds the first of them (at most {@value #ERRORED_LISTED_MAX})
 */
public record ChargeRunSummary(
    ChargePeriod period,
    long charged,
    long failed,
    long skipped,
    long errored,
    List<AccountId> erroredAccountIds) {

  public static final int ERRORED_LISTED_MAX = 100;

  public ChargeRunSummary {
    erroredAccountIds = List.copyOf(erroredAccountIds);
  }
}
