package dev.obol.domain.service;

import dev.obol.domain.model.GrantSource;
import dev.obol.domain.port.LedgerReader;
import dev.obol.domain.port.UsageReader;
import dev.obol.domain.port.UsageReader.KindTotal;
import dev.obol.domain.port.UsageReader.UsageBucket;
import dev.obol.domain.usecase.UsageQuery;
import dev.obol.domain.usecase.UsageSummary;
import dev.obol.domain.usecase.UsageUseCases;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A wallet's usage summary, from aggregates of its ledger entries. An unknown account is NOT_FOUND, as GetBalance and
 * ListLedgerEntries answer it.
 */
public final class UsageService implements UsageUseCases {

  private final LedgerReader ledger;
  private final UsageReader usage;

  public UsageService(LedgerReader ledger, UsageReader usage) {
    this.ledger = ledger;
    this.usage = usage;
  }

  @Override
  public UsageSummary usageSummary(UsageQuery query) {
    if (ledger.findAccount(query.accountId()).isEmpty()) {
      throw Accounts.notFound(query.accountId());
    }
    List<UsageSummary.Row> rows =
        usage.usageBuckets(query.accountId(), query.asset(), query.from(), query.to(), query.groupBy()).stream()
            .map(b -> row(query, b))
            .sorted(Comparator.comparing(UsageSummary.Row::key))
            .toList();
    long held = 0;
    for (var grant : ledger.openGrants(query.accountId(), query.asset())) {
      held = Math.addExact(held, grant.held());
    }
    return new UsageSummary(
        rows, totals(usage.usageTotals(query.accountId(), query.asset(), query.from(), query.to()), held));
  }

  private static UsageSummary.Row row(UsageQuery query, UsageBucket bucket) {
    return new UsageSummary.Row(
        query.groupBy().key(bucket.feature(), bucket.start()), bucket.debitCount(), bucket.debited(),
        bucket.reversed());
  }

  /**
   * Folds the per-kind sums into totals, each positive: grants and adjustments by source; debits, expiries, clawbacks
   * and seat fees (negative entries) negated. A capture is a debit; a hold or a release changes what is held, not
   * what was spent, so the window's totals leave them out and {@code heldNow} (what open holds reserve at the time of
   * the query) is reported as it is.
   */
  static UsageSummary.Totals totals(List<KindTotal> sums, long heldNow) {
    Map<GrantSource, Long> granted = new EnumMap<>(GrantSource.class);
    long debited = 0;
    long reversed = 0;
    long expired = 0;
    long clawedBack = 0;
    long fees = 0;
    for (KindTotal sum : sums) {
      long amount = sum.amount();
      switch (sum.kind()) {
        case GRANT, ADJUSTMENT -> {
          if (amount != 0) {
            granted.merge(sum.source(), amount, Math::addExact);
          }
        }
        case DEBIT, CAPTURE -> debited = Math.subtractExact(debited, amount);
        case REVERSAL -> reversed = Math.addExact(reversed, amount);
        case EXPIRY -> expired = Math.subtractExact(expired, amount);
        case CLAWBACK -> clawedBack = Math.subtractExact(clawedBack, amount);
        case FEE -> fees = Math.subtractExact(fees, amount);
        case HOLD, RELEASE -> {} // amount 0: they move credit between available and held
      }
    }
    return new UsageSummary.Totals(granted, debited, reversed, expired, clawedBack, heldNow, fees);
  }
}
