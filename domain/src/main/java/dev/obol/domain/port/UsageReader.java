package dev.obol.domain.port;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.EntryKind;
import dev.obol.domain.model.GrantSource;
import dev.obol.domain.model.UsageGrouping;
import java.time.Instant;
import java.util.List;

/** Aggregates over one wallet's ledger entries created in [from, to) (committed data, no lock). */
public interface UsageReader {

  /**
   * The DEBIT and REVERSAL entries, summed per bucket.
   *
   * @param grouping FEATURE: one bucket per feature (null for feature-less debits); DAY or MONTH: one per UTC day or
   *     month, named by its first instant
   */
  List<UsageBucket> usageBuckets(AccountId accountId, Asset asset, Instant from, Instant to, UsageGrouping grouping);

  /** Every entry, summed per kind and the source of the grant it touched (signed, as stored). */
  List<KindTotal> usageTotals(AccountId accountId, Asset asset, Instant from, Instant to);

  /**
   * @param feature set for FEATURE buckets
   * @param start set for DAY and MONTH buckets
   * @param debitCount distinct debit operations
   * @param debited what the DEBIT entries took, positive
   * @param reversed what the REVERSAL entries gave back, positive
   */
  record UsageBucket(String feature, Instant start, long debitCount, long debited, long reversed) {}

  /** @param amount the signed sum of the entries' amounts */
  record KindTotal(EntryKind kind, GrantSource source, long amount) {}
}
