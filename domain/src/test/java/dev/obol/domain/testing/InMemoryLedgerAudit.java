package dev.obol.domain.testing;

import dev.obol.domain.model.AccountId;
import dev.obol.domain.model.Asset;
import dev.obol.domain.model.Grant;
import dev.obol.domain.model.LedgerEntry;
import dev.obol.domain.model.RecordedEntry;
import dev.obol.domain.model.Reservation;
import dev.obol.domain.model.Wallet;
import dev.obol.domain.port.LedgerAudit;
import dev.obol.domain.testing.InMemoryAccountStore.Snapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ledger audit over the in-memory store, computed from its committed rows ({@link InMemoryAccountStore#snapshot()})
 * the way {@code PostgresLedgerAudit} computes it in SQL, and compared with the store's read path
 * ({@link InMemoryAccountStore#openGrants}).
 */
public final class InMemoryLedgerAudit implements LedgerAudit {

  private final InMemoryAccountStore store;

  public InMemoryLedgerAudit(InMemoryAccountStore store) {
    this.store = store;
  }

  @Override
  public InvariantReport check(AccountId accountId, Asset asset, Instant now) {
    return report(store.snapshot(), new WalletKey(accountId, asset), now);
  }

  @Override
  public List<InvariantReport> checkAll(Instant now) {
    Snapshot snapshot = store.snapshot();
    Set<WalletKey> wallets = new LinkedHashSet<>();
    snapshot.grants().forEach(g -> wallets.add(new WalletKey(g.accountId(), g.asset())));
    snapshot.entries().forEach(r -> wallets.add(new WalletKey(r.entry().accountId(), r.entry().asset())));
    return wallets.stream()
        .sorted(Comparator.comparing((WalletKey w) -> w.accountId().value()).thenComparing(w -> w.asset().name()))
        .map(w -> report(snapshot, w, now))
        .toList();
  }

  private InvariantReport report(Snapshot snapshot, WalletKey wallet, Instant now) {
    List<Violation> rowViolations = new ArrayList<>();
    long entriesSum = 0;
    long availableSum = 0;
    long entryCount = 0;
    long lastBalanceAfter = 0;
    Map<String, Long> entriesByGrant = new LinkedHashMap<>();
    Map<String, Long> heldByGrant = new LinkedHashMap<>();
    List<RecordedEntry> entries = new ArrayList<>(snapshot.entries());
    entries.sort(Comparator.comparingLong(RecordedEntry::entryId));
    List<Violation> entriesOutOfLine = new ArrayList<>();
    for (RecordedEntry recorded : entries) {
      LedgerEntry entry = recorded.entry();
      if (!wallet.holds(entry.accountId(), entry.asset())) {
        continue;
      }
      entriesSum = Math.addExact(entriesSum, entry.amount());
      availableSum = Math.addExact(availableSum, entry.availableChange());
      entryCount++;
      lastBalanceAfter = entry.balanceAfter();
      if (entry.balanceAfter() != availableSum && entriesOutOfLine.size() < VIOLATIONS_MAX) {
        entriesOutOfLine.add(Violation.ofEntry(recorded.entryId(), availableSum, entry.balanceAfter()));
      }
    }
    // Per grant, like the adapter's join on (account, grant): whatever the entry's asset says.
    for (RecordedEntry recorded : entries) {
      LedgerEntry entry = recorded.entry();
      if (entry.accountId().equals(wallet.accountId())) {
        entriesByGrant.merge(entry.grantId(), entry.amount(), Math::addExact);
        heldByGrant.merge(entry.grantId(), entry.heldChange(), Math::addExact);
      }
    }
    Map<String, Long> openHoldsByGrant = new LinkedHashMap<>();
    for (Reservation hold : snapshot.reservations()) {
      if (hold.accountId().equals(wallet.accountId()) && hold.status() == Reservation.Status.OPEN) {
        for (Wallet.Allocation allocation : hold.allocations()) {
          openHoldsByGrant.merge(allocation.grantId(), allocation.amount(), Math::addExact);
        }
      }
    }
    long remainingSum = 0;
    long liveRemainingSum = 0;
    long heldSum = 0;
    List<Violation> grantsOutOfLine = new ArrayList<>();
    List<Violation> heldOutOfLine = new ArrayList<>();
    for (Grant grant : snapshot.grants()) {
      if (!wallet.holds(grant.accountId(), grant.asset())) {
        continue;
      }
      remainingSum = Math.addExact(remainingSum, grant.remaining());
      heldSum = Math.addExact(heldSum, grant.held());
      if (grant.isLiveAt(now)) {
        liveRemainingSum = Math.addExact(liveRemainingSum, grant.available());
      }
      long ownEntries = entriesByGrant.getOrDefault(grant.grantId(), 0L);
      if (ownEntries != grant.remaining() && grantsOutOfLine.size() < VIOLATIONS_MAX) {
        grantsOutOfLine.add(Violation.ofGrant(grant.grantId(), grant.remaining(), ownEntries));
      }
      long ownHeld = heldByGrant.getOrDefault(grant.grantId(), 0L);
      if (ownHeld != grant.held()) {
        heldOutOfLine.add(Violation.ofHeld(grant.grantId(), grant.held(), ownHeld));
      }
      long openHolds = openHoldsByGrant.getOrDefault(grant.grantId(), 0L);
      if (openHolds != grant.held()) {
        heldOutOfLine.add(Violation.ofOpenHolds(grant.grantId(), grant.held(), openHolds));
      }
    }
    grantsOutOfLine.sort(Comparator.comparing(Violation::subject));
    rowViolations.addAll(grantsOutOfLine);
    rowViolations.addAll(entriesOutOfLine);
    heldOutOfLine.sort(Comparator.comparing(Violation::subject));
    rowViolations.addAll(heldOutOfLine.subList(0, Math.min(heldOutOfLine.size(), VIOLATIONS_MAX)));
    long readBalance =
        new Wallet(wallet.accountId(), wallet.asset(), store.openGrants(wallet.accountId(), wallet.asset()))
            .liveBalanceAt(now);
    return InvariantReport.of(
        wallet.accountId(),
        wallet.asset(),
        new WalletSums(
            entryCount, entriesSum, remainingSum, lastBalanceAfter, liveRemainingSum, readBalance, heldSum),
        rowViolations);
  }

  private record WalletKey(AccountId accountId, Asset asset) {

    boolean holds(AccountId otherAccount, Asset otherAsset) {
      return accountId.equals(otherAccount) && asset == otherAsset;
    }
  }
}
